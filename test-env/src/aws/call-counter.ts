/** Counts the requests an emulator received, per operation, so tests can assert how many calls code made. */
class CallCounter {
  readonly #counts = new Map<string, number>();

  /** Records one request for `operation`. */
  record(operation: string): void {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
  }

  /** Requests received for `operation`, or for all operations when omitted. */
  count(operation?: string): number {
    if (operation !== undefined) return this.#counts.get(operation) ?? 0;
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** A copy of the per-operation counts. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Forgets every count. */
  reset(): void {
    this.#counts.clear();
  }
}

export { CallCounter };
