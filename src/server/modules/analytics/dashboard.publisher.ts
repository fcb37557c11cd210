import type { ConcurrencySample } from '../../../contracts/live-alerts.js';
import { liveFigures, type LiveFigures } from './core/session-rollup.js';
import type { LiveRollups } from './live-rollups.js';

/** What the console's live dashboard gets each second over the room socket (team members only). */
export interface DashMessage {
  t: 'dash';
  /** Real traffic: what counts. */
  real: LiveFigures;
  /** Simulated traffic (onair simulate), shown apart and labelled; null when there is none. */
  simulated: LiveFigures | null;
  /** Concurrent viewers over the last two minutes, about one sample a second, per traffic. */
  samples: { real: ConcurrencySample[]; simulated: ConcurrencySample[] };
  /** This server's errors (5xx replies, failed ingestion) per minute, the last 10 minutes, oldest first. */
  errorsPerMinute: number[];
}

export interface DashboardDeps {
  live: LiveRollups;
  /** Sessions that have a team member connected on this node. */
  teamSessions: () => string[];
  sendTeam: (sessionId: string, msg: DashMessage) => void;
  now: () => number;
  errorsPerMinute: () => number[];
  onError: (err: unknown, where: string) => void;
  everyMs?: number;
}

const KEEP_SAMPLES_MS = 120_000;

/**
 * Pushes the live dashboard's figures (issue 7 item 3) every second to the team members watching
 * a room. Figures come from the session's rollup, which every stored event has already updated,
 * so a comment or an order shows on the dashboard at the next push after it is stored.
 */
export class DashboardPublisher {
  private timer: NodeJS.Timeout | null = null;
  private readonly samples = new Map<string, { real: ConcurrencySample[]; simulated: ConcurrencySample[] }>();

  constructor(private readonly d: DashboardDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.push(), this.d.everyMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round (exported for tests). */
  push(): void {
    const now = this.d.now();
    const watched = new Set(this.d.teamSessions());
    for (const id of this.samples.keys()) if (!watched.has(id)) this.samples.delete(id);
    const errors = this.d.errorsPerMinute();
    for (const sessionId of watched) {
      try {
        const r = this.d.live.peek(sessionId);
        if (!r) {
          // Load it (from the stored events) for the next round; never wait here.
          this.d.live.get(sessionId).catch((err: unknown) => this.d.onError(err, `dashboard ${sessionId}`));
          continue;
        }
        const real = liveFigures(r.real, now);
        const hasSim = r.simulated.events > 0;
        const simulated = hasSim ? liveFigures(r.simulated, now) : null;
        let s = this.samples.get(sessionId);
        if (!s) this.samples.set(sessionId, (s = { real: [], simulated: [] }));
        s.real.push([now, real.concurrent]);
        if (simulated) s.simulated.push([now, simulated.concurrent]);
        while (s.real.length && now - s.real[0]![0] > KEEP_SAMPLES_MS) s.real.shift();
        while (s.simulated.length && now - s.simulated[0]![0] > KEEP_SAMPLES_MS) s.simulated.shift();
        this.d.sendTeam(sessionId, { t: 'dash', real, simulated, samples: { real: s.real, simulated: s.simulated }, errorsPerMinute: errors });
      } catch (err) {
        this.d.onError(err, `dashboard ${sessionId}`);
      }
    }
  }
}

/** Counts errors per minute (a ring of the last 11 minutes). */
export class ErrorsPerMinute {
  private readonly counts = new Map<number, number>();
  constructor(private readonly now: () => number) {}
  add(n = 1): void {
    const m = Math.floor(this.now() / 60_000);
    this.counts.set(m, (this.counts.get(m) ?? 0) + n);
    for (const k of this.counts.keys()) if (k < m - 11) this.counts.delete(k);
  }
  /** The 10 full minutes before the current one, oldest first. */
  last10(): number[] {
    const m = Math.floor(this.now() / 60_000);
    const out: number[] = [];
    for (let k = m - 10; k < m; k++) out.push(this.counts.get(k) ?? 0);
    return out;
  }
}
