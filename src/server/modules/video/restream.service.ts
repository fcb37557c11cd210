import type { Kysely } from 'kysely';
import type { CreateRestreamTargetBody, RestreamStatus, RestreamTarget, UpdateRestreamTargetBody } from '../../../contracts/restream.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { DB } from '../../platform/db/db.types.js';
import type { RestreamTargetsTable } from '../../platform/db/tables/restream.tables.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { ViewerSink } from './core/flv-relay.js';
import { IDLE, RESTREAM_POLICY, checkServerUrl, maskKey, nextStatus, pushUrl, redactKey, type RestreamEvent, type RestreamPolicy } from './core/restream-policy.js';
import { FfmpegProcess, type FfmpegLog } from './ffmpeg/ffmpeg-process.js';
import type { PublishInfo, VideoService } from './video.service.js';

/** At most this many targets per session (each is one ffmpeg while live). */
const MAX_TARGETS = 10;
/** How often a connecting push is checked against the "live" rule. */
const LIVE_CHECK_MS = 500;

export interface RestreamLog extends FfmpegLog {
  error(obj: object, msg: string): void;
}

export interface RestreamDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  sessions: SessionsService;
  video: VideoService;
  /** Seals target keys at rest (the data key, the target id as associated data). */
  box: SecretBox;
  log: RestreamLog;
  /** [0, 1): the retry jitter. */
  random?: () => number;
  /** Default RESTREAM_POLICY. */
  policy?: RestreamPolicy;
}

interface Run {
  targetId: string;
  sessionId: string;
  status: RestreamStatus;
  /** Held in memory only while pushing, to redact it from what ffmpeg prints. */
  key: string;
  url: string;
  proc: FfmpegProcess | null;
  unwatch: (() => void) | null;
  timer: NodeJS.Timeout | null;
  written: number;
  slow: boolean;
  spawnedAt: number;
  liveAt: number | null;
}

/**
 * Restream (multistream): while the encoder publishes, each enabled target of the session gets its
 * own ffmpeg reading the session's relay (like a viewer) and pushing it unchanged (`-c copy -f flv`)
 * to the target's RTMP(S) server. A push that exits while the encoder still publishes is retried
 * on the policy's backoff. Status lives in memory; keys are sealed at rest and never leave in full.
 */
export class RestreamService {
  private readonly runs = new Map<string, Run>();
  private readonly publishing = new Map<string, PublishInfo>();
  private readonly policy: RestreamPolicy;
  private readonly random: () => number;

  constructor(private readonly d: RestreamDeps) {
    this.policy = d.policy ?? RESTREAM_POLICY;
    this.random = d.random ?? Math.random;
    d.video.onPublish({
      started: (p) => {
        this.publishing.set(p.sessionId, p);
        void this.startSession(p.sessionId).catch((e: unknown) => this.d.log.error({ err: e }, 'restream start'));
      },
      ended: (p) => {
        if (this.publishing.get(p.sessionId)?.publishId === p.publishId) this.publishing.delete(p.sessionId);
        for (const run of this.runs.values()) if (run.sessionId === p.sessionId) this.stopRun(run);
      },
    });
  }

  // ---------- console ----------

  async list(ctx: Ctx, sessionId: string): Promise<{ items: RestreamTarget[]; ffmpeg: boolean; now: number }> {
    requirePermission(ctx.actor, 'stream:key');
    await this.d.sessions.getInternal(sessionId);
    const rows = await this.d.db.selectFrom('restream_targets').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id').execute();
    return { items: rows.map((r) => this.toDto(r)), ffmpeg: this.d.video.ffmpeg.ok, now: this.now() };
  }

  async create(ctx: Ctx, sessionId: string, body: CreateRestreamTargetBody): Promise<RestreamTarget> {
    requirePermission(ctx.actor, 'stream:key');
    await this.d.sessions.getInternal(sessionId);
    const server = this.checkServer(body.serverUrl);
    const count = await this.d.db.selectFrom('restream_targets').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_TARGETS) throw new AppError('conflict', `A session can push to at most ${MAX_TARGETS} targets`, { code: 'TOO_MANY_TARGETS' });
    await this.checkName(sessionId, body.name, null);
    const id = this.d.ids();
    const at = new Date(this.now()).toISOString();
    const row: RestreamTargetsTable = { id, session_id: sessionId, name: body.name, name_key: nameKey(body.name), platform: body.platform, server_url: server, key_sealed: this.d.box.seal(id, body.streamKey), enabled: body.enabled === false ? 0 : 1, created_at: at, updated_at: at };
    await this.d.db.insertInto('restream_targets').values(row).execute().catch((e: unknown) => {
      throw isUniqueViolation(e) ? duplicateName() : e;
    });
    await this.d.audit.record(ctx, { action: 'restream.target_added', targetType: 'live_session', targetId: sessionId, before: null, after: auditView(row) });
    this.reconcile(row);
    return this.toDto(row);
  }

  async update(ctx: Ctx, sessionId: string, targetId: string, body: UpdateRestreamTargetBody): Promise<RestreamTarget> {
    requirePermission(ctx.actor, 'stream:key');
    const old = await this.row(sessionId, targetId);
    const next: RestreamTargetsTable = { ...old, updated_at: new Date(this.now()).toISOString() };
    if (body.name !== undefined) {
      await this.checkName(sessionId, body.name, targetId);
      next.name = body.name;
      next.name_key = nameKey(body.name);
    }
    if (body.platform !== undefined) next.platform = body.platform;
    if (body.serverUrl !== undefined) next.server_url = this.checkServer(body.serverUrl);
    const keyChanged = body.streamKey !== undefined && body.streamKey !== '';
    if (keyChanged) next.key_sealed = this.d.box.seal(targetId, body.streamKey!);
    if (body.enabled !== undefined) next.enabled = body.enabled ? 1 : 0;
    await this.d.db
      .updateTable('restream_targets')
      .set({ name: next.name, name_key: next.name_key, platform: next.platform, server_url: next.server_url, key_sealed: next.key_sealed, enabled: next.enabled, updated_at: next.updated_at })
      .where('id', '=', targetId)
      .execute()
      .catch((e: unknown) => {
        throw isUniqueViolation(e) ? duplicateName() : e;
      });
    await this.d.audit.record(ctx, { action: 'restream.target_changed', targetType: 'live_session', targetId: sessionId, before: auditView(old), after: { ...auditView(next), keyChanged } });
    // A new server or key while pushing: start over with it.
    const run = this.runs.get(targetId);
    if (run && (keyChanged || next.server_url !== old.server_url)) this.stopRun(run);
    this.reconcile(next);
    return this.toDto(next);
  }

  async remove(ctx: Ctx, sessionId: string, targetId: string): Promise<void> {
    requirePermission(ctx.actor, 'stream:key');
    const old = await this.row(sessionId, targetId);
    await this.d.db.deleteFrom('restream_targets').where('id', '=', targetId).execute();
    await this.d.audit.record(ctx, { action: 'restream.target_removed', targetType: 'live_session', targetId: sessionId, before: auditView(old), after: null });
    const run = this.runs.get(targetId);
    if (run) this.stopRun(run);
    this.runs.delete(targetId);
  }

  /** The in-memory status of a target (idle when it is not pushing). */
  status(targetId: string): RestreamStatus {
    return this.runs.get(targetId)?.status ?? IDLE;
  }

  /** Shutting down: every push stopped, their ffmpeg awaited. */
  async stopAll(): Promise<void> {
    const procs = [...this.runs.values()].map((r) => r.proc).filter((p): p is FfmpegProcess => p !== null);
    for (const run of this.runs.values()) this.stopRun(run);
    this.publishing.clear();
    await Promise.all(procs.map((p) => p.stop(2000)));
  }

  // ---------- pushing ----------

  private async startSession(sessionId: string): Promise<void> {
    const rows = await this.d.db.selectFrom('restream_targets').selectAll().where('session_id', '=', sessionId).where('enabled', '=', 1).execute();
    for (const row of rows) {
      // A new publish (the relay started over): every push starts again from its first keyframe.
      const run = this.runs.get(row.id);
      if (run) this.stopRun(run);
      this.reconcile(row);
    }
  }

  /** Brings a target's push in line with its row and the stream: pushing iff enabled and the encoder publishes. */
  private reconcile(row: RestreamTargetsTable): void {
    const want = row.enabled === 1 && this.publishing.has(row.session_id);
    const run = this.runs.get(row.id);
    if (!want) {
      if (run) this.stopRun(run);
      return;
    }
    if (run && (run.status.state === 'connecting' || run.status.state === 'live' || run.status.state === 'retrying')) return;
    let key: string;
    try {
      key = this.d.box.open(row.id, row.key_sealed);
    } catch (e) {
      this.d.log.error({ err: e, target: row.id }, 'restream: the stored key does not open (data key changed?)');
      return;
    }
    const fresh: Run = run ?? { targetId: row.id, sessionId: row.session_id, status: IDLE, key, url: '', proc: null, unwatch: null, timer: null, written: 0, slow: false, spawnedAt: 0, liveAt: null };
    fresh.key = key;
    fresh.url = pushUrl(row.server_url, key);
    this.runs.set(row.id, fresh);
    if (!this.d.video.ffmpeg.ok) {
      this.apply(fresh, { type: 'fail', now: this.now(), error: 'ffmpeg is not available on this server' });
      return;
    }
    this.apply(fresh, { type: 'start', now: this.now() });
    this.spawn(fresh);
  }

  private spawn(run: Run): void {
    this.clearTimer(run);
    run.written = 0;
    run.slow = false;
    run.liveAt = null;
    run.spawnedAt = performance.now();
    const proc = new FfmpegProcess({
      bin: this.d.video.ffmpeg.bin,
      name: `restream:${run.targetId}`,
      // -rw_timeout: a target that stops answering is given up after 15 s (then retried), not waited on for ever.
      output: ['-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize', '-rw_timeout', '15000000', run.url],
      log: this.redactingLog(run.key),
    });
    run.proc = proc;
    const inner = proc.sink;
    const sink: ViewerSink = {
      get buffered() {
        return inner.buffered;
      },
      write: (chunk) => {
        run.written += chunk.length;
        inner.write(chunk);
      },
      close: (reason) => {
        if (reason === 'slow') run.slow = true;
        inner.close(reason);
      },
    };
    run.unwatch = this.d.video.watch(run.sessionId, sink);
    run.timer = setInterval(() => this.checkLive(run, proc), LIVE_CHECK_MS);
    run.timer.unref();
    void proc.exited.then((exit) => this.exited(run, proc, exit.requested));
  }

  /** "live": ffmpeg has run liveAfterMs and taken liveAfterBytes of the stream (RESTREAM_POLICY). */
  private checkLive(run: Run, proc: FfmpegProcess): void {
    if (run.proc !== proc || run.status.state !== 'connecting' || !proc.running) return;
    const taken = run.written - proc.sink.buffered;
    if (performance.now() - run.spawnedAt >= this.policy.liveAfterMs && taken >= this.policy.liveAfterBytes) {
      run.liveAt = performance.now();
      this.clearTimer(run);
      this.apply(run, { type: 'healthy', now: this.now() });
    }
  }

  private exited(run: Run, proc: FfmpegProcess, requested: boolean): void {
    if (run.proc !== proc) return; // an older push of this target
    run.unwatch?.();
    run.unwatch = null;
    run.proc = null;
    this.clearTimer(run);
    if (this.runs.get(run.targetId) !== run) return;
    if (requested && !run.slow) return; // we stopped it (stop, or the relay ended: a publish event follows)
    if (!this.publishing.has(run.sessionId)) return;
    const error = run.slow ? 'the target took the stream too slowly and was cut off' : redactKey(proc.stderrTail(), run.key).slice(-600) || 'ffmpeg exited';
    const liveMs = run.liveAt === null ? 0 : performance.now() - run.liveAt;
    this.apply(run, { type: 'exited', now: this.now(), error, liveMs, random: this.random() });
    if (run.status.state !== 'retrying' || run.status.nextAt === null) return;
    const wait = Math.max(0, run.status.nextAt - this.now());
    run.timer = setTimeout(() => {
      run.timer = null;
      if (this.runs.get(run.targetId) !== run || !this.publishing.has(run.sessionId)) return;
      this.apply(run, { type: 'retry', now: Math.max(this.now(), run.status.nextAt ?? 0) });
      if (run.status.state === 'connecting') this.spawn(run);
    }, wait);
    run.timer.unref();
  }

  private stopRun(run: Run): void {
    this.clearTimer(run);
    const proc = run.proc;
    run.proc = null;
    run.unwatch?.();
    run.unwatch = null;
    if (proc) void proc.stop(2000);
    this.apply(run, { type: 'stop', now: this.now() });
  }

  private apply(run: Run, e: RestreamEvent): void {
    const before = run.status.state;
    run.status = nextStatus(run.status, e, this.policy);
    if (before !== run.status.state) {
      const s = run.status;
      const line = { target: run.targetId, session: run.sessionId, state: s.state, attempt: s.attempt, nextAt: s.nextAt, error: s.lastError };
      if (s.state === 'retrying' || s.state === 'failed') this.d.log.warn(line, 'restream status');
      else this.d.log.info(line, 'restream status');
    }
  }

  private clearTimer(run: Run): void {
    if (run.timer) {
      clearTimeout(run.timer);
      clearInterval(run.timer);
    }
    run.timer = null;
  }

  /** What ffmpeg logs (its stderr holds the push URL on errors) with the key taken out. */
  private redactingLog(key: string): FfmpegLog {
    const clean = <T>(v: T): T => JSON.parse(redactKey(JSON.stringify(v), key)) as T;
    return {
      info: (obj, msg) => this.d.log.info(clean(obj), redactKey(msg, key)),
      warn: (obj, msg) => this.d.log.warn(clean(obj), redactKey(msg, key)),
    };
  }

  // ---------- helpers ----------

  private async row(sessionId: string, targetId: string): Promise<RestreamTargetsTable> {
    await this.d.sessions.getInternal(sessionId);
    const row = await this.d.db.selectFrom('restream_targets').selectAll().where('id', '=', targetId).where('session_id', '=', sessionId).executeTakeFirst();
    if (!row) throw notFound('Restream target');
    return row;
  }

  private checkServer(url: string): string {
    const c = checkServerUrl(url);
    if (!c.ok) throw invalid('body.serverUrl', c.reason);
    return c.url;
  }

  private async checkName(sessionId: string, name: string, exceptId: string | null): Promise<void> {
    let q = this.d.db.selectFrom('restream_targets').select('id').where('session_id', '=', sessionId).where('name_key', '=', nameKey(name));
    if (exceptId) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) throw duplicateName();
  }

  private toDto(r: RestreamTargetsTable): RestreamTarget {
    let mask = '••••';
    try {
      mask = maskKey(this.d.box.open(r.id, r.key_sealed));
    } catch {
      // A key sealed under another data key: shown as dots; re-enter it.
    }
    return { id: r.id, sessionId: r.session_id, name: r.name, platform: r.platform, serverUrl: r.server_url, keyMask: mask, enabled: r.enabled === 1, createdAt: r.created_at, updatedAt: r.updated_at, status: this.status(r.id) };
  }

  private now(): number {
    return this.d.clock.now().getTime();
  }
}

const nameKey = (name: string): string => name.trim().toLowerCase();

const duplicateName = (): AppError =>
  new AppError('conflict', 'name: another target of this session has this name', { code: 'DUPLICATE_TARGET_NAME', issues: [{ path: 'body.name', message: 'another target of this session has this name' }] });

function isUniqueViolation(e: unknown): boolean {
  const x = e as { code?: string; message?: string };
  return x.code === '23505' || x.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/i.test(x.message ?? '');
}

/** What the audit log keeps of a target: never the key. */
function auditView(r: RestreamTargetsTable): Record<string, unknown> {
  return { id: r.id, name: r.name, platform: r.platform, serverUrl: r.server_url, enabled: r.enabled === 1 };
}
