/**
 * The tools an operator's request is moving right now (closing a poll, revealing a quiz answer,
 * closing or drawing a draw). The clock's tick leaves them to the request, which writes and audits
 * the move itself; a second request for the same tool meanwhile is refused with `busy()`.
 */
export class InProgress {
  private readonly ids = new Set<string>();

  has(id: string): boolean {
    return this.ids.has(id);
  }

  async run<T>(id: string, busy: () => Error, move: () => Promise<T>): Promise<T> {
    if (this.ids.has(id)) throw busy();
    this.ids.add(id);
    try {
      return await move();
    } finally {
      this.ids.delete(id);
    }
  }
}
