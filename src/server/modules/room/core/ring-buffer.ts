/**
 * The last `capacity` batches of a room, keyed by their sequence number, so a client that
 * reconnects with `since` can be sent what it missed instead of a full reset.
 *
 * Memory is fixed at construction: two arrays of `capacity` slots, overwritten in a circle.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  private readonly seqs: number[];
  private readonly items: (T | undefined)[];
  /** Index of the oldest kept entry. */
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.seqs = new Array<number>(capacity).fill(0);
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  push(seq: number, item: T): void {
    if (!Number.isFinite(seq)) throw new RangeError(`RingBuffer seq must be finite, got ${seq}`);
    const last = this.lastSeq;
    if (last !== null && seq <= last) throw new RangeError(`RingBuffer seqs must strictly increase: ${seq} after ${last}`);
    if (this.count < this.capacity) {
      const at = (this.head + this.count) % this.capacity;
      this.seqs[at] = seq;
      this.items[at] = item;
      this.count++;
    } else {
      // Full: the new entry takes the oldest one's slot.
      this.seqs[this.head] = seq;
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /**
   * Items with seq > since, oldest first, or null if `since` is older than what is kept
   * (the caller sends a reset). `since === oldestSeq - 1` is still served: the client saw the
   * batch just before the oldest one we kept. A `since` at or beyond `lastSeq` gets [];
   * whether such a client belongs to another era (say, a restarted hub) is the caller's call,
   * since only the caller knows its current seq.
   */
  since(since: number): T[] | null {
    if (this.count === 0) return [];
    const oldest = this.seqAt(0);
    if (Number.isNaN(since) || since < oldest - 1) return null;
    // Seqs are sorted in logical order: binary search for the first seq > since.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqAt(mid) > since) hi = mid;
      else lo = mid + 1;
    }
    const out: T[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.itemAt(i));
    return out;
  }

  get size(): number {
    return this.count;
  }

  get lastSeq(): number | null {
    return this.count === 0 ? null : this.seqAt(this.count - 1);
  }

  /** Oldest kept seq, or null when empty. */
  get oldestSeq(): number | null {
    return this.count === 0 ? null : this.seqAt(0);
  }

  private seqAt(logical: number): number {
    return this.seqs[(this.head + logical) % this.capacity] as number;
  }

  private itemAt(logical: number): T {
    return this.items[(this.head + logical) % this.capacity] as T;
  }
}
