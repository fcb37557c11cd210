import type { RestreamStatus } from '../../../../contracts/restream.contract.js';

/**
 * Restream rules, pure: the retry schedule, the status machine of one target's push, what counts
 * as a valid target server, and how a stream key is shown (masked) or kept out of text (redacted).
 * No clock and no randomness here: `now` and `random` are passed in.
 */

export const RESTREAM_POLICY = {
  /** First retry after this; each further one doubles it… */
  baseMs: 2_000,
  /** …up to this. */
  maxMs: 60_000,
  /** ±20 % so many targets dropped at once do not reconnect in step. */
  jitter: 0.2,
  /** A run that was live this long starts the schedule over (attempt 1, 2 s). */
  resetAfterLiveMs: 60_000,
  /** After this many attempts in a row without a minute live, the target is `failed` (re-enable it, or the next publish, starts over). */
  maxAttempts: 20,
  /** "live": ffmpeg has run this long… */
  liveAfterMs: 3_000,
  /** …and has taken this much of the stream (written to its stdin minus what is still queued).
   * More than the OS pipe buffer (64 KiB) twice over: ffmpeg only reads on once the target accepted
   * the connection and the publish, so this cannot be met by a push stuck connecting. */
  liveAfterBytes: 128 * 1024,
} as const;
export type RestreamPolicy = { readonly [K in keyof typeof RESTREAM_POLICY]: number };

/** Delay before retry number `attempt` (the first retry is attempt 1): 2 s, 4 s, 8 s … ≤ 60 s, ±jitter. `random` in [0, 1). */
export function backoffMs(attempt: number, random: number, p: { baseMs: number; maxMs: number; jitter: number } = RESTREAM_POLICY): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(Math.min(p.maxMs, raw * (1 - p.jitter + 2 * p.jitter * r)));
}

export type RestreamEvent =
  /** The encoder publishes (or the target was enabled while it does): start pushing. */
  | { type: 'start'; now: number }
  /** The push met the "live" rule (RESTREAM_POLICY.liveAfterMs / liveAfterBytes). */
  | { type: 'healthy'; now: number }
  /** ffmpeg exited (or was cut off as too slow) while the encoder still publishes. `liveMs`: how long it had been live (0 if never). */
  | { type: 'exited'; now: number; error: string; liveMs: number; random: number }
  /** The retry's time has come. */
  | { type: 'retry'; now: number }
  /** The publish ended, or the target was disabled or deleted. */
  | { type: 'stop'; now: number }
  /** Cannot push at all (no ffmpeg). */
  | { type: 'fail'; now: number; error: string };

export const IDLE: RestreamStatus = { state: 'idle', since: 0, attempt: 0, nextAt: null, lastError: null };

/**
 * One target's status: idle → connecting → live; an exit → retrying (attempt n, at nextAt) →
 * connecting …; too many attempts → failed; stop → idle from anywhere. Events that do not apply
 * in a state leave it unchanged (the caller may see stale timers fire).
 */
export function nextStatus(s: RestreamStatus, e: RestreamEvent, p: RestreamPolicy = RESTREAM_POLICY): RestreamStatus {
  switch (e.type) {
    case 'start':
      if (s.state === 'connecting' || s.state === 'live') return s;
      return { state: 'connecting', since: e.now, attempt: 1, nextAt: null, lastError: s.state === 'idle' ? null : s.lastError };
    case 'healthy':
      return s.state === 'connecting' ? { ...s, state: 'live', since: e.now, nextAt: null } : s;
    case 'exited': {
      if (s.state !== 'connecting' && s.state !== 'live') return s;
      const done = e.liveMs >= p.resetAfterLiveMs ? 0 : s.attempt;
      if (done >= p.maxAttempts) return { state: 'failed', since: e.now, attempt: done, nextAt: null, lastError: e.error };
      return { state: 'retrying', since: e.now, attempt: done + 1, nextAt: e.now + backoffMs(Math.max(1, done), e.random, p), lastError: e.error };
    }
    case 'retry':
      return s.state === 'retrying' && e.now >= (s.nextAt ?? 0) ? { ...s, state: 'connecting', since: e.now, nextAt: null } : s;
    case 'stop':
      return s.state === 'idle' ? s : { ...IDLE, since: e.now };
    case 'fail':
      return { state: 'failed', since: e.now, attempt: s.attempt, nextAt: null, lastError: e.error };
  }
}

/** "••••abcd": the last 4 characters of a key (none of a key shorter than 9, whose 4 would be half of it). */
export function maskKey(key: string): string {
  return key.length > 8 ? `••••${key.slice(-4)}` : '••••';
}

/** Removes the key from text ffmpeg wrote (it prints the URL on errors), also URL-encoded. */
export function redactKey(text: string, key: string): string {
  if (!key) return text;
  let out = text;
  for (const form of new Set([key, encodeURIComponent(key), encodeURI(key)])) out = out.split(form).join(maskKey(key));
  return out;
}

export type ServerUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** A target's server: rtmp:// or rtmps:// with a host, no user or password (the key goes in its own field). Trailing slashes dropped. */
export function checkServerUrl(input: string): ServerUrlCheck {
  const text = input.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, reason: 'not a URL: expected rtmp://host/app or rtmps://host/app' };
  }
  if (u.protocol !== 'rtmp:' && u.protocol !== 'rtmps:') return { ok: false, reason: 'must start with rtmp:// or rtmps://' };
  if (!u.hostname) return { ok: false, reason: 'needs a host' };
  if (u.username || u.password) return { ok: false, reason: 'must not contain a user name or password; put the key in the stream key field' };
  if (u.hash) return { ok: false, reason: 'must not contain #' };
  if (/\s/.test(text)) return { ok: false, reason: 'must not contain spaces' };
  return { ok: true, url: text.replace(/\/+$/, '') };
}

/** Where ffmpeg pushes: the server, a slash, the key (as the platforms' OBS settings combine them). */
export function pushUrl(server: string, key: string): string {
  return `${server.replace(/\/+$/, '')}/${key.replace(/^\/+/, '')}`;
}
