/**
 * A bounded set of recently seen ids (insertion order; the oldest go first past the bound): a
 * retried beacon batch on the same node is recognised at once and answered as duplicates. The
 * store's idempotent ids remain the guarantee (another node, or an id older than the window).
 */
export class RecentIds {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.max) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  get size(): number {
    return this.seen.size;
  }
}
