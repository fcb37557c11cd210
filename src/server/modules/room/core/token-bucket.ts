/** A per-sender token bucket as a value: the caller stores the returned state. */
export interface BucketState {
  tokens: number;
  updatedAt: number;
}

// Float error in tokens + elapsed * rate must not refuse a sender who waited exactly 1/rate.
const EPSILON = 1e-9;

/**
 * Takes one token at `now`. A missing state is a full bucket. The bucket refills at
 * `ratePerSecond` up to `burst` tokens (a burst below 1 counts as 1: a bucket that cannot
 * hold one token would refuse everyone). A clock that steps back refills nothing.
 * `retryAfterMs` is 0 when ok, else how long until one token is back; a rate <= 0 never
 * refills, so its retryAfterMs is Infinity (don't serialise that as is). An Infinity rate
 * always accepts.
 */
export function takeToken(state: BucketState | undefined, now: number, ratePerSecond: number, burst: number): { ok: boolean; state: BucketState; retryAfterMs: number } {
  const capacity = Number.isNaN(burst) ? 1 : Math.max(1, burst);
  const rate = Number.isNaN(ratePerSecond) || ratePerSecond < 0 ? 0 : ratePerSecond;
  if (rate === Number.POSITIVE_INFINITY) return { ok: true, state: { tokens: capacity, updatedAt: now }, retryAfterMs: 0 };

  let tokens: number;
  let updatedAt: number;
  if (!state) {
    tokens = capacity;
    updatedAt = now;
  } else {
    const elapsed = now > state.updatedAt ? now - state.updatedAt : 0;
    tokens = Math.min(capacity, Math.max(0, state.tokens) + (elapsed * rate) / 1000);
    updatedAt = Math.max(now, state.updatedAt);
  }

  if (tokens >= 1 - EPSILON) return { ok: true, state: { tokens: Math.max(0, tokens - 1), updatedAt }, retryAfterMs: 0 };
  const retryAfterMs = rate === 0 ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate));
  return { ok: false, state: { tokens, updatedAt }, retryAfterMs };
}
