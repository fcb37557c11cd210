/**
 * How busy something is right now: events counted in buckets of `bucketMs`; `busy` when the
 * current bucket and the one before it hold at least `threshold` events (so a peak is seen
 * from its first moments, and is over within two buckets of its end). O(1) memory and time.
 */
export class RateMeter {
  private bucket = -1;
  private count = 0;
  private previous = 0;

  constructor(
    private readonly threshold: number,
    private readonly bucketMs = 100,
  ) {
    if (!(threshold >= 1)) throw new RangeError('threshold must be at least 1');
    if (!(bucketMs >= 1)) throw new RangeError('bucketMs must be at least 1');
  }

  hit(nowMs: number, n = 1): void {
    this.roll(nowMs);
    this.count += n;
  }

  busy(nowMs: number): boolean {
    this.roll(nowMs);
    return this.count + this.previous >= this.threshold;
  }

  private roll(nowMs: number): void {
    const b = Math.floor(nowMs / this.bucketMs);
    if (b === this.bucket) return;
    // The bucket just before this one carries over; anything older is gone.
    this.previous = b === this.bucket + 1 ? this.count : 0;
    this.count = 0;
    this.bucket = b;
  }
}
