/**
 * Counts failures per key in a fixed window and holds locks, for sign-in throttling.
 * In-process by default; Redis when configured, so several nodes share one count.
 */
export interface ThrottleStore {
  /** Adds one failure to `key`'s window (started by the first failure) and returns the count. */
  addFailure(key: string, windowMs: number): Promise<number>;
  /** Milliseconds until the lock on `key` ends, or 0 when not locked. */
  lockedFor(key: string): Promise<number>;
  lock(key: string, ms: number): Promise<void>;
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}
