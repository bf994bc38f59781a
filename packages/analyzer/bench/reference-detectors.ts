/**
 * Reference change detectors at river's default parameters, for comparison in
 * bench/detectors.ts: Page-Hinkley (river.drift.PageHinkley, mode "both") and ADWIN
 * (river.drift.ADWIN, Bifet & Gavaldà's ADWIN2 with exponential-histogram buckets).
 */

export interface ReferenceDetector {
  /** Feed one value; true when the detector signals a change. */
  update(x: number): boolean;
}

/** river.drift.PageHinkley(min_instances=30, delta=0.005, threshold=50, alpha=1-0.0001, mode='both'). */
export class PageHinkley implements ReferenceDetector {
  private n = 0;
  private mean = 0;
  private sumUp = 0;
  private minUp = Infinity;
  private sumDown = 0;
  private maxDown = -Infinity;
  private detected = false;
  constructor(
    private readonly minInstances = 30,
    private readonly delta = 0.005,
    private readonly threshold = 50,
    private readonly alpha = 1 - 0.0001,
  ) {}

  update(x: number): boolean {
    if (this.detected) this.reset();
    this.n++;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumUp = this.alpha * this.sumUp + dev - this.delta;
    this.minUp = Math.min(this.minUp, this.sumUp);
    this.sumDown = this.alpha * this.sumDown + dev + this.delta;
    this.maxDown = Math.max(this.maxDown, this.sumDown);
    if (this.n < this.minInstances) return false;
    this.detected = this.sumUp - this.minUp > this.threshold || this.maxDown - this.sumDown > this.threshold;
    return this.detected;
  }

  private reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sumUp = 0;
    this.minUp = Infinity;
    this.sumDown = 0;
    this.maxDown = -Infinity;
    this.detected = false;
  }
}

interface Row {
  totals: number[];
  variances: number[];
}

/** river.drift.ADWIN(delta=0.002, clock=32, max_buckets=5, min_window_length=5, grace_period=10). */
export class Adwin implements ReferenceDetector {
  /** rows[i] holds buckets of 2^i values, oldest first; row 0 is the newest data. */
  private rows: Row[] = [{ totals: [], variances: [] }];
  private width = 0;
  private total = 0;
  private variance = 0;
  private tick = 0;
  constructor(
    private readonly delta = 0.002,
    private readonly clock = 32,
    private readonly maxBuckets = 5,
    private readonly minWindowLength = 5,
    private readonly gracePeriod = 10,
  ) {}

  update(x: number): boolean {
    this.insert(x);
    return this.detect();
  }

  private insert(x: number): void {
    this.rows[0].totals.push(x);
    this.rows[0].variances.push(0);
    this.width++;
    if (this.width > 1) {
      const mean = this.total / (this.width - 1);
      this.variance += ((this.width - 1) * (x - mean) * (x - mean)) / this.width;
    }
    this.total += x;
    // Merge the two oldest buckets of a full row into the next row, cascading.
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (row.totals.length <= this.maxBuckets) break;
      if (i + 1 === this.rows.length) this.rows.push({ totals: [], variances: [] });
      const n = 2 ** i;
      const [t1, t2] = row.totals.splice(0, 2);
      const [v1, v2] = row.variances.splice(0, 2);
      const m1 = t1 / n;
      const m2 = t2 / n;
      this.rows[i + 1].totals.push(t1 + t2);
      this.rows[i + 1].variances.push(v1 + v2 + (n * n * (m1 - m2) * (m1 - m2)) / (2 * n));
    }
  }

  private deleteOldest(): number {
    const i = this.rows.length - 1;
    const row = this.rows[i];
    const n = 2 ** i;
    const u = row.totals.shift() as number;
    const v = row.variances.shift() as number;
    this.width -= n;
    this.total -= u;
    const mu = u / n;
    const muWindow = this.total / this.width;
    this.variance -= v + (n * this.width * (mu - muWindow) * (mu - muWindow)) / (n + this.width);
    if (row.totals.length === 0 && this.rows.length > 1) this.rows.pop();
    return n;
  }

  private detect(): boolean {
    this.tick++;
    if (this.tick % this.clock !== 0 || this.width <= this.gracePeriod) return false;
    let changed = false;
    let again = true;
    while (again) {
      again = false;
      let n0 = 0;
      let u0 = 0;
      let n1 = this.width;
      let u1 = this.total;
      // Cut points from the oldest bucket to the newest.
      outer: for (let i = this.rows.length - 1; i >= 0; i--) {
        const row = this.rows[i];
        const n2 = 2 ** i;
        for (let k = 0; k < row.totals.length; k++) {
          n0 += n2;
          n1 -= n2;
          u0 += row.totals[k];
          u1 -= row.totals[k];
          if (n1 <= 0) break outer;
          if (n0 >= this.minWindowLength && n1 >= this.minWindowLength && this.cut(n0, n1, u0 / n0 - u1 / n1)) {
            changed = true;
            again = this.width > 0;
            if (again) this.deleteOldest();
            break outer;
          }
        }
      }
    }
    return changed;
  }

  private cut(n0: number, n1: number, deltaMean: number): boolean {
    const deltaPrime = Math.log((2 * Math.log(this.width)) / this.delta);
    const mRecip = 1 / (n0 - this.minWindowLength + 1) + 1 / (n1 - this.minWindowLength + 1);
    const epsilon = Math.sqrt(2 * mRecip * (this.variance / this.width) * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
    return Math.abs(deltaMean) > epsilon;
  }
}
