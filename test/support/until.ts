/**
 * Polls `check` until it answers something truthy, and returns that; fails naming `what` after
 * `timeoutMs`. For state that settles in the background (a report built, a recording finished).
 */
export async function until<T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() >= end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** `until` with another default timeout, for a file whose waits are longer (video, ffmpeg). */
export const untilWithin =
  (defaultMs: number) =>
  <T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = defaultMs): Promise<T> =>
    until(what, check, timeoutMs);
