/**
 * Analyzer snapshots of `warden serve`: written every interval while records keep coming, and
 * once more on shutdown; writes are serialized so two never race on the same temp file.
 */
import { reportInternalError } from '@warden/core/internal';
import type { AnalyzerPump } from './analyzer-pump';
import type { ServeMetrics } from './serve-metrics';
import { writeStateFile } from './state-file';

export class SnapshotWriter {
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly path: string,
    intervalMs: number,
    /** What goes into the file: the analyzer snapshot and what serve keeps beside it. */
    private readonly state: { snapshot(): unknown },
    private readonly pump: AnalyzerPump,
    private readonly metrics: ServeMetrics,
  ) {
    this.timer = setInterval(() => {
      if (this.pump.analyzedSinceSnapshot > 0) void this.writeNow();
    }, intervalMs);
    this.timer.unref();
  }

  /** Queues a snapshot after any being written; resolves when it is on disk (or failed, counted). */
  writeNow(): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        this.pump.analyzedSinceSnapshot = 0;
        await writeStateFile(this.path, this.state.snapshot());
        this.metrics.snapshotsWritten++;
      } catch (e) {
        this.metrics.snapshotFailures++;
        reportInternalError('serve.snapshot', e);
      }
    });
    return this.chain;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
