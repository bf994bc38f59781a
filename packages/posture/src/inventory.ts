export interface InventoryItem {
  name: string;
  /** ISO 8601. */
  firstSeen: string;
  lastSeen: string;
  /** Spans that named it. */
  count: number;
}

interface Entry {
  firstSeen: number;
  lastSeen: number;
  count: number;
}

/**
 * Names seen in telemetry with first/last seen and a count, capped: past `max` names new
 * ones are counted as dropped rather than stored, so a flood of distinct tool names cannot
 * grow memory (the report says how many were dropped).
 */
export class BoundedInventory {
  private readonly entries = new Map<string, Entry>();
  dropped = 0;

  constructor(private readonly max: number) {}

  see(name: string | undefined, time: number): void {
    if (!name) return;
    const e = this.entries.get(name);
    if (e) {
      e.count++;
      if (time < e.firstSeen) e.firstSeen = time;
      if (time > e.lastSeen) e.lastSeen = time;
      return;
    }
    if (this.entries.size >= this.max) {
      this.dropped++;
      return;
    }
    this.entries.set(name, { firstSeen: time, lastSeen: time, count: 1 });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get size(): number {
    return this.entries.size;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  items(): InventoryItem[] {
    return [...this.entries.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([name, e]) => ({
        name,
        firstSeen: isoTime(e.firstSeen),
        lastSeen: isoTime(e.lastSeen),
        count: e.count,
      }));
  }
}

/** ISO 8601 for any number: past the range of Date (±8.64e15 ms) it clamps instead of throwing. */
export function isoTime(ms: number): string {
  if (Number.isNaN(ms)) return new Date(0).toISOString();
  return new Date(Math.max(-MAX_DATE_MS, Math.min(MAX_DATE_MS, ms))).toISOString();
}

const MAX_DATE_MS = 8.64e15;
