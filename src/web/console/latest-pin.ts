/**
 * The console's "now explaining" pin, as heard from the room's product.pin events. A reply that
 * was asked for before the latest event (a shelf reload, or this operator's own pin call answered
 * after another operator pinned) must not undo that event: the event is newer.
 */
export class LatestPin<P> {
  private n = 0;
  private pinned: P | null = null;

  /** A product.pin event arrived. */
  heard(pinned: P | null): void {
    this.n += 1;
    this.pinned = pinned;
  }

  /** Taken when a request starts. */
  mark(): number {
    return this.n;
  }

  /** What to show once the request answers: its pin, unless an event arrived since it started. */
  settle(mark: number, fromReply: P | null): P | null {
    return this.n !== mark ? this.pinned : fromReply;
  }
}
