/**
 * A bounded FIFO of records between the HTTP handler and the analyzer, held as the batches
 * requests brought. A request is queued whole or refused (429, the sender retries), so
 * nothing is dropped silently. A single batch larger than the capacity is let in when the
 * queue is empty, else it could never be accepted; the body-size limit still bounds it.
 */
export class IngestQueue<T> {
  private batches: T[][] = [];
  private offset = 0;
  private count = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.count;
  }

  /** Adds the whole batch, or nothing (false) when it does not fit. */
  pushBatch(batch: T[]): boolean {
    if (batch.length === 0) return true;
    if (this.count > 0 && this.count + batch.length > this.capacity) return false;
    this.batches.push(batch);
    this.count += batch.length;
    return true;
  }

  /** Removes and returns up to `max` records, oldest first. */
  take(max: number): T[] {
    const out: T[] = [];
    while (out.length < max && this.batches.length > 0) {
      const head = this.batches[0]!;
      const n = Math.min(max - out.length, head.length - this.offset);
      for (let i = 0; i < n; i++) out.push(head[this.offset + i]!);
      this.offset += n;
      if (this.offset === head.length) {
        this.batches.shift();
        this.offset = 0;
      }
    }
    this.count -= out.length;
    return out;
  }
}
