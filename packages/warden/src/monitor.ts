import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CBaggagePropagator, W3CTraceContextPropagator, CompositePropagator } from '@opentelemetry/core';
import { resourceFromAttributes, defaultResource, type Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type InMemorySpanExporter,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  onInternalError,
  onWardenEvent,
  setContentDefaults,
  ATTR_SERVICE_NAME,
  type Alert,
} from '@warden/core';
import { EventEmitter } from 'eventemitter3';
import { parseOptions } from './config-error';
import { resolveMetricReader, resolveTraceExporter, type ExporterKind } from './exporters';
import type { WardenEvents } from './events';
import { monitorOptionsSchema, type MonitorOptions, type ParsedMonitorOptions } from './options';
import { WardenSpanProcessor } from './span-processors';

/** What monitor() returns: typed events, the processors, flush and shutdown. */
export class Warden extends EventEmitter<WardenEvents> {
  readonly serviceName: string;
  readonly exporterKind: ExporterKind;
  /** Warden's processors as one, for a team that keeps its own TracerProvider. */
  readonly spanProcessor: WardenSpanProcessor;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider | undefined;
  /** True when this handle registered the global tracer (and meter) provider. */
  readonly registeredGlobal: boolean;
  private readonly memory: InMemorySpanExporter | undefined;
  private readonly cleanups: (() => void)[] = [];
  private readonly timeoutMs: number;
  private closed = false;

  /** @internal use monitor() */
  constructor(
    readonly options: ParsedMonitorOptions,
    parts: {
      serviceName: string;
      resource: Resource;
      wardenProcessors: SpanProcessor[];
      exportProcessor: SpanProcessor | undefined;
      exporterKind: ExporterKind;
      memory: InMemorySpanExporter | undefined;
      meterProvider: MeterProvider | undefined;
      registerGlobal: boolean;
    },
  ) {
    super();
    this.serviceName = parts.serviceName;
    this.exporterKind = parts.exporterKind;
    this.memory = parts.memory;
    this.meterProvider = parts.meterProvider;
    this.timeoutMs = options.shutdownTimeoutMs ?? 5000;
    this.spanProcessor = new WardenSpanProcessor(parts.wardenProcessors);
    this.tracerProvider = new BasicTracerProvider({
      resource: parts.resource,
      spanProcessors: [this.spanProcessor, ...(parts.exportProcessor ? [parts.exportProcessor] : [])],
    });

    let registered = false;
    if (parts.registerGlobal) {
      registered = trace.setGlobalTracerProvider(this.tracerProvider);
      if (registered) {
        // Parentage through await needs an async context manager; keep the app's if it has one.
        context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
        propagation.setGlobalPropagator(
          new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
        );
        if (parts.meterProvider) metrics.setGlobalMeterProvider(parts.meterProvider);
      }
    }
    this.registeredGlobal = registered;

    if (options.captureContent !== undefined || options.redactPatterns || options.maxContentLength) {
      setContentDefaults({
        captureContent: options.captureContent,
        redactPatterns: options.redactPatterns,
        maxContentLength: options.maxContentLength,
      });
      this.cleanups.push(() => setContentDefaults({}));
    }
    this.cleanups.push(onInternalError((e) => this.emitSafely('error', e)));
    // Alerts raised outside the analyzer (MCP onboarding, policies, multi-turn) arrive on the bus.
    this.cleanups.push(
      onWardenEvent((e) => {
        if (e.type === 'alert') this.deliverAlert(e.alert);
      }),
    );
  }

  /** Spans kept by the 'memory' exporter (empty for other exporters). */
  finishedSpans(): ReadableSpan[] {
    return this.memory?.getFinishedSpans() ?? [];
  }

  /** Number of listeners that receive alerts (posture counts them as delivery). */
  alertSubscriberCount(): number {
    let n = this.listenerCount('alert');
    for (const name of this.eventNames()) if (typeof name === 'string' && name.startsWith('alert:')) n += this.listenerCount(name);
    return n;
  }

  /** @internal deliver one alert to `alert` and `alert:<kind>` listeners. */
  deliverAlert(alert: Alert): void {
    this.emitSafely('alert', alert);
    this.emitSafely(`alert:${alert.kind}` as 'alert:drift', alert as Alert & { kind: 'drift' });
  }

  /** Exports what is pending; resolves within shutdownTimeoutMs even when the collector is down. */
  async flush(): Promise<void> {
    await withTimeout(
      Promise.all([this.tracerProvider.forceFlush(), this.meterProvider?.forceFlush()]).then(() => undefined),
      this.timeoutMs,
    );
  }

  /** Flushes and stops; bounded in time; later calls do nothing. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.cleanups.splice(0)) c();
    await withTimeout(
      Promise.all([this.tracerProvider.shutdown(), this.meterProvider?.shutdown()]).then(() => undefined),
      this.timeoutMs,
    );
    if (this.registeredGlobal) {
      // Later spans become no-ops instead of going to a stopped provider, and a new monitor() can register.
      trace.disable();
      if (this.meterProvider) metrics.disable();
    }
    this.removeAllListeners();
  }

  private emitSafely<E extends keyof WardenEvents>(event: E, ...args: Parameters<WardenEvents[E]>): void {
    try {
      (this.emit as (e: E, ...a: Parameters<WardenEvents[E]>) => boolean)(event, ...args);
    } catch (err) {
      // A throwing alert handler is the app's bug, but it must not break the span that raised it.
      if (event !== 'error') this.emitSafely('error', { error: err, where: `listener of ${String(event)}` } as never);
    }
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
  return Promise.race([p.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

function hasGlobalProvider(): boolean {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = provider.getDelegate?.();
  return delegate !== undefined && delegate?.constructor?.name !== 'NoopTracerProvider';
}

/**
 * Set up Warden: an OTel tracer (and meter) provider exporting over OTLP (or console,
 * memory, none, any SpanExporter), Warden's analyzer, and typed alert events. Honours
 * OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT and
 * OTEL_EXPORTER_OTLP_PROTOCOL. Options are validated; a bad one throws WardenConfigError.
 */
export function monitor(options: MonitorOptions = {}): Warden {
  const parsed = parseOptions(monitorOptionsSchema, options, 'monitor() options');
  const serviceName = parsed.serviceName ?? (process.env.OTEL_SERVICE_NAME || 'unknown_service:node');
  const resource = defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      ...(parsed.serviceVersion ? { 'service.version': parsed.serviceVersion } : {}),
    }),
  );
  const traces = resolveTraceExporter(parsed);
  const exportProcessor = traces.exporter
    ? traces.kind === 'otlp' || traces.kind === 'custom'
      ? new BatchSpanProcessor(traces.exporter, { maxQueueSize: 2048, exportTimeoutMillis: parsed.shutdownTimeoutMs ?? 5000 })
      : new SimpleSpanProcessor(traces.exporter)
    : undefined;
  const reader = resolveMetricReader(parsed, traces.kind);
  const meterProvider = reader ? new MeterProvider({ resource, readers: [reader] }) : undefined;
  const registerGlobal = parsed.registerGlobal ?? !hasGlobalProvider();

  return new Warden(parsed, {
    serviceName,
    resource,
    wardenProcessors: [],
    exportProcessor,
    exporterKind: traces.kind,
    memory: traces.memory,
    meterProvider,
    registerGlobal,
  });
}
