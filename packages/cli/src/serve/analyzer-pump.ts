/**
 * The analyzer side of the ingest queue: takes records in batches, one batch per event-loop
 * turn so HTTP stays responsive under load, and hands every alert to `emit`.
 */
import type { Alert, CallRecord } from '@warden/core';
import { reportInternalError } from '@warden/core/internal';
import type { FleetAnalyzer } from './fleet-analyzer';
import type { IngestQueue } from './ingest-queue';
import type { ServeMetrics } from './serve-metrics';

/** Records handed to the analyzer per event-loop turn. */
const ANALYZE_BATCH = 1_000;

export class AnalyzerPump {
  private scheduled = false;
  private readonly emptyWaiters: Array<() => void> = [];
  /** Records analyzed since the last snapshot (reset by the snapshot writer). */
  analyzedSinceSnapshot = 0;

  constructor(
    private readonly queue: IngestQueue<CallRecord>,
    private readonly fleet: FleetAnalyzer,
    private readonly metrics: ServeMetrics,
    private readonly emit: (alert: Alert) => void,
  ) {}

  /** Call after pushing records onto the queue. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }

  /** Resolves once the queue is empty and no pump is pending. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.emptyWaiters.push(r));
  }

  private pump(): void {
    this.scheduled = false;
    for (const record of this.queue.take(ANALYZE_BATCH)) {
      try {
        const alerts = this.fleet.observe(record);
        this.metrics.spansAnalyzed++;
        this.analyzedSinceSnapshot++;
        for (const alert of alerts) this.emit(alert);
      } catch (e) {
        this.metrics.analyzerErrors++;
        reportInternalError('serve.analyze', e);
      }
    }
    if (this.queue.length > 0) this.schedule();
    else for (const w of this.emptyWaiters.splice(0)) w();
  }
}
