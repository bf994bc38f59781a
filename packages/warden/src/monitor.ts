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
import { dirname, resolve } from 'node:path';
import {
  AgentKeySet,
  createHandoffAuthority,
  loadAgentKeySet,
  AgentGraphSpanProcessor,
  type AuditLog,
  AuditLogSpanProcessor,
  ConversationJudge,
  createPolicyGuard,
  loadPolicies,
  MEASURED_MULTI_TURN_FALSE_ALARMS_PER_CONVERSATION,
  MultiTurnRiskSpanProcessor,
  type PolicyGuard,
  type PolicyInput,
  verifyAuditLog,
  type AuditVerification,
} from '@warden/agents';
import { AISDKToolCallSpanProcessor } from '@warden/ai-sdk';
import { Analyzer, AnalyzerSpanProcessor, type AnalyzerOptions } from '@warden/analyzer';
import { onInternalError, onWardenEvent, setToolGuard, ATTR_SERVICE_NAME, type Alert } from '@warden/core';
import { contentCaptureFromEnv, publishAlert, reportInternalError, setContentDefaults, setHandoffAuthority, parseConfig } from '@warden/core/internal';
import { FileSpanExporter, PostureLedger, renderReport, type AuditLogFact, type Posture, type ReportFormat } from '@warden/posture';
import { EventEmitter } from 'eventemitter3';

import { resolveMetricReader, resolveTraceExporter, type ExporterKind } from './exporters';
import type { WardenEvents } from './events';
import { judgeFnOf } from './conversation-judge';
import { monitorOptionsSchema, type MonitorOptions, type ParsedMonitorOptions } from './options';
import { SharedCallRecord, WardenSpanProcessor } from './span-processors';
import { openAuditLog, type AuditLogSetup } from './audit-settings';
import { DrillFilterSpanProcessor, DrillSpanSink } from './drills/drill-spans';
import type { ParsedDrillOptions } from './drills/drill-options';
import { archiveDrillReport, runDrills, type DrillReport } from './drills/run-drills';
import type { DrillDeployment } from './drills/drill-deployment';

/** Options of one drill run. */
export interface DrillRunOptions {
  /** Run only these drills (ids from DRILLS). */
  only?: string[];
  /** Drill a copy of this audit log file instead of the one this process writes (`warden drill --audit-log`). */
  auditLogFile?: { path: string; hmacKey?: string };
}

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
  /** The analyzer (undefined with `analyzer: false`). */
  readonly analyzer: Analyzer | undefined;
  /** The policy guard (undefined without policies). */
  readonly policyGuard: PolicyGuard | undefined;
  readonly auditLog: AuditLog | undefined;
  private readonly ledger: PostureLedger;
  private readonly multiTurn: MultiTurnRiskSpanProcessor;
  private readonly memory: InMemorySpanExporter | undefined;
  private readonly cleanups: (() => void)[] = [];
  private readonly timeoutMs: number;
  private closed = false;
  private readonly drillSink: DrillSpanSink;
  private readonly identityKeys: boolean;
  private drillRun: Promise<DrillReport> | undefined;

  /** The conversation judge (undefined unless `conversationJudge` was given): its `stats` say what it did. */
  get conversationJudge(): ConversationJudge | undefined {
    return this.multiTurn.judge;
  }

  /** @internal use monitor() */
  constructor(
    readonly options: ParsedMonitorOptions,
    parts: {
      serviceName: string;
      resource: Resource;
      wardenProcessors: SpanProcessor[];
      exportProcessors: SpanProcessor[];
      exporterKind: ExporterKind;
      memory: InMemorySpanExporter | undefined;
      meterProvider: MeterProvider | undefined;
      registerGlobal: boolean;
      analyzer: Analyzer | undefined;
      multiTurn: MultiTurnRiskSpanProcessor;
      ledger: PostureLedger;
      guard: PolicyGuard | undefined;
      auditLog: AuditLog | undefined;
      audit: AuditLogSetup | undefined;
      cleanups: (() => void)[];
      drillSink: DrillSpanSink;
      identityKeys: boolean;
    },
  ) {
    super();
    this.serviceName = parts.serviceName;
    this.exporterKind = parts.exporterKind;
    this.memory = parts.memory;
    this.meterProvider = parts.meterProvider;
    this.analyzer = parts.analyzer;
    this.ledger = parts.ledger;
    this.multiTurn = parts.multiTurn;
    this.policyGuard = parts.guard;
    this.auditLog = parts.auditLog;
    this.audit = parts.audit;
    this.cleanups.push(...parts.cleanups);
    this.timeoutMs = options.shutdownTimeoutMs ?? 5000;
    this.drillSink = parts.drillSink;
    this.identityKeys = parts.identityKeys;
    this.spanProcessor = new WardenSpanProcessor(parts.wardenProcessors, parts.drillSink);
    this.tracerProvider = new BasicTracerProvider({
      resource: parts.resource,
      spanProcessors: [this.spanProcessor, ...parts.exportProcessors],
    });

    let registered = false;
    if (parts.registerGlobal) {
      registered = trace.setGlobalTracerProvider(this.tracerProvider);
      if (registered) {
        // Parentage through await needs an async context manager; keep the app's if it has one.
        context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
        propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
        if (parts.meterProvider) metrics.setGlobalMeterProvider(parts.meterProvider);
      }
    }
    this.registeredGlobal = registered;

    // OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is read here, once, as the OTel SDK reads
    // its OTEL_* variables: a wrapped call then decides capture without reading process.env.
    setContentDefaults({
      captureContent: options.captureContent ?? contentCaptureFromEnv() ?? false,
      redactPatterns: options.redactPatterns,
      maxContentLength: options.maxContentLength,
    });
    this.cleanups.push(() => setContentDefaults({}));
    this.cleanups.push(onInternalError((e) => this.emitSafely('error', e)));
    // Every alert travels on the bus (the analyzer's are published there too), so the handle,
    // the posture ledger and the audit log each see it once, whoever raised it.
    if (parts.analyzer) {
      const analyzer = parts.analyzer;
      analyzer.on('alert', publishAlert);
      analyzer.on('config_change', (c) => this.emitSafely('config_change', c));
      analyzer.on('resolved', (r) => this.emitSafely('resolved', r));
      analyzer.on('incident_update', (u) => this.emitSafely('incident_update', u));
      analyzer.on('alert_update', (u) => this.emitSafely('alert_update', u));
      this.cleanups.push(() => analyzer.removeAllListeners());
    }
    this.cleanups.push(
      onWardenEvent((e) => {
        if (e.type === 'alert') this.deliverAlert(e.alert);
      }),
    );
    const drills = this.drillOptions();
    if (drills?.every !== undefined) {
      const every = drills.every;
      const tick = () => void this.drill().catch(() => undefined);
      let interval: ReturnType<typeof setInterval> | undefined;
      const first = setTimeout(() => {
        tick();
        interval = setInterval(tick, every);
        interval.unref?.();
      }, drills.firstRunAfter ?? 60_000);
      first.unref?.();
      this.cleanups.push(() => {
        clearTimeout(first);
        if (interval) clearInterval(interval);
      });
    }
  }

  private drillOptions(): ParsedDrillOptions | undefined {
    const d = this.options.drills;
    return d === undefined ? undefined : d === true ? {} : (d as ParsedDrillOptions);
  }

  /**
   * Runs the drill suite now: safe synthetic attacks through this deployment's own controls
   * (a canary tool outside each agent's policy, a poisoned and a rug-pulling MCP server, a
   * drifting canary agent and a never-seen tool, a multi-turn escalation, an edited copy of the
   * audit log, forged and unsigned hand-offs). Drill traffic is marked warden.drill=true and
   * never reaches exporters, baselines, the app's alert listeners or the posture's usage
   * figures. The report is archived, recorded as posture evidence and emitted as `drill`.
   * Resolves with the report; never rejects. Concurrent calls share one run.
   */
  drill(options: DrillRunOptions = {}): Promise<DrillReport> {
    this.drillRun ??= this.runDrillSuite(options).finally(() => {
      this.drillRun = undefined;
    });
    return this.drillRun;
  }

  private async runDrillSuite({ only, auditLogFile }: DrillRunOptions): Promise<DrillReport> {
    const snapshot = this.ledger.snapshot();
    const auditPath = this.audit?.path;
    const auditLog = this.auditLog;
    const deployment: DrillDeployment = {
      policies: this.policyGuard?.policies,
      agentsSeen: snapshot.inventory.agents.map((a) => a.name),
      analyzerOptions: this.analyzer?.options,
      multiTurn: this.multiTurn,
      auditLog: auditLogFile
        ? { path: auditLogFile.path, ...(auditLogFile.hmacKey !== undefined ? { hmacKey: auditLogFile.hmacKey } : {}), flush: async () => undefined }
        : auditLog
          ? {
              path: auditPath,
              ...(this.audit?.verifyOptions.hmacKey !== undefined ? { hmacKey: this.audit.verifyOptions.hmacKey } : {}),
              flush: () => auditLog.flush(),
            }
          : undefined,
      handoffsSeen: snapshot.handoffs.withCaller,
      mcpServersSeen: snapshot.mcp.servers.length,
    };
    const report = await runDrills(deployment, this.drillSink, only);
    const options = this.drillOptions() ?? {};
    const dir = resolve(options.archiveDir ?? (auditPath !== undefined ? resolve(dirname(auditPath), 'drills') : '.warden/drills'));
    this.ledger.recordDrillRun({
      runId: report.runId,
      time: report.time,
      results: report.results.map(({ id, control, status, time, reason }) => ({ id, control, status, time, reason })),
    });
    this.refreshLedgerConfig();
    const archived = await archiveDrillReport(dir, report, this.ledger.posture(), options.keepReports ?? 100);
    if (archived) {
      report.archivedTo = archived;
      this.ledger.recordDrillRun({ runId: report.runId, time: report.time, results: [], archivedTo: archived });
    }
    // The run itself (not its synthetic traffic) is part of the audit trail.
    this.auditLog?.append('drill_run', {
      runId: report.runId,
      passed: report.passed,
      results: report.results.map((r) => ({ id: r.id, status: r.status, reason: r.reason })),
      archivedTo: report.archivedTo,
    });
    this.emitSafely('drill', report);
    return report;
  }

  /** The Level 3 control evidence and the maturity level it supports, as of now. */
  posture(): Posture {
    this.refreshLedgerConfig();
    return this.ledger.posture();
  }

  /** The evidence report (HTML, Markdown or JSON) of this process, as a string. */
  report(format: ReportFormat = 'html'): string {
    this.refreshLedgerConfig();
    return renderReport(this.ledger, { format });
  }

  private refreshLedgerConfig(): void {
    const policies = this.options.policies;
    this.ledger.setConfig({
      service: this.serviceName,
      policies:
        this.policyGuard?.policies.map((p) => ({
          agent: p.agent,
          mode: p.mode,
          allowedTools: p.allowedTools,
          allowedMcpServers: p.allowedMcpServers,
          requireApproval: p.requireApproval,
          args: p.args ? Object.fromEntries(Object.keys(p.args).map((k) => [k, true])) : undefined,
        })) ?? (policies ? [] : undefined),
      detectors: [
        ...(this.analyzer?.describe().map((d) => ({ ...d })) ?? []),
        {
          detector: 'multi_turn.conversation_risk',
          kind: 'multi_turn',
          feature: 'decaying per-conversation risk score',
          threshold: this.multiTurn.scorer.threshold,
          // Per conversation, not per record: measured by @warden/agents' bench on generated benign conversations
          // (hard on purpose); on outside benign conversations the bench measured none (see @warden/agents README).
          falseAlarmRate: MEASURED_MULTI_TURN_FALSE_ALARMS_PER_CONVERSATION,
          description:
            'false alarms per benign conversation on 5,000 generated conversations; 0 of 499 outside benign conversations (MT-Eval, MultiChallenge) alerted (see @warden/agents README)',
        },
      ],
      baselines: this.analyzer?.warmGroupCount(),
      alertSubscribers: this.alertSubscriberCount(),
      contentCapture: this.options.captureContent,
      auditLog: this.auditLog ? this.auditLogFact() : undefined,
      drillMaxAgeDays: this.drillOptions()?.maxAgeDays,
      identityKeys: this.identityKeys,
    });
  }

  private auditVerification: AuditLogFact | undefined;
  private readonly audit: AuditLogSetup | undefined;

  private auditLogFact(): AuditLogFact {
    return this.auditVerification ?? { path: this.audit?.path ?? '(stream)' };
  }

  /**
   * Verify the audit log's hash chain (a file destination) and keep the result as posture
   * evidence. Flushes pending entries first.
   */
  async verifyAuditLog(): Promise<AuditVerification | undefined> {
    const destination = this.audit?.path;
    if (!this.auditLog || destination === undefined) return undefined;
    await this.auditLog.flush();
    // The same key as the writer's: a substituted plain chain does not verify.
    const result = await verifyAuditLog(destination, this.audit?.verifyOptions);
    this.auditVerification = {
      path: destination,
      verified: result.ok,
      entries: result.entries,
      checkedAt: new Date().toISOString(),
      ...(result.ok ? {} : { error: result.problem ?? 'verification failed' }),
    };
    return result;
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
    await withTimeout(
      Promise.all([this.tracerProvider.shutdown(), this.meterProvider?.shutdown()]).then(() => undefined),
      this.timeoutMs,
    );
    // After the provider: spans ending during shutdown still reach the audit log and ledger.
    for (const c of this.cleanups.splice(0)) c();
    if (this.auditLog) await withTimeout(this.auditLog.close(), this.timeoutMs);
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
  const parsed = parseConfig(monitorOptionsSchema, options, 'monitor() options');
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
  const cleanups: (() => void)[] = [];

  const analyzer = parsed.analyzer === false ? undefined : new Analyzer({ service: serviceName, ...(parsed.analyzer as AnalyzerOptions | undefined) });
  // The analyzer and the ledger read each span as the same CallRecord: decode it once for both.
  const sharedRecord = new SharedCallRecord(serviceName);
  const ledger = new PostureLedger({ recordFromSpan: sharedRecord.of });
  cleanups.push(ledger.subscribe());

  let guard: PolicyGuard | undefined;
  if (parsed.policies !== undefined) {
    const policies = typeof parsed.policies === 'string' ? loadPolicies(parsed.policies) : (parsed.policies as PolicyInput[]);
    guard = createPolicyGuard(policies, { approve: parsed.approve as never });
    setToolGuard(guard);
    cleanups.push(() => setToolGuard(undefined));
  }
  const audit = openAuditLog(parsed.auditLog);
  const auditLog = audit?.log;
  if (parsed.identity) {
    const { keys, mode, maxAgeMs } = parsed.identity;
    const keySet = typeof keys === 'string' ? loadAgentKeySet(keys) : AgentKeySet.parse(keys, 'monitor() options: identity.keys');
    setHandoffAuthority(createHandoffAuthority(keySet, { mode, maxAgeMs }));
    cleanups.push(() => setHandoffAuthority(undefined));
  }

  const judgeConfig = parsed.conversationJudge;
  const judge = judgeConfig
    ? new ConversationJudge({
        judge: judgeFnOf(judgeConfig),
        sampleRate: judgeConfig.sampleRate,
        minScore: judgeConfig.minScore,
        windowTurns: judgeConfig.windowTurns,
        maxCharsPerText: judgeConfig.maxCharsPerText,
        maxCallsPerMinute: judgeConfig.maxCallsPerMinute,
        maxConcurrent: judgeConfig.maxConcurrent,
        timeoutMs: judgeConfig.timeoutMs,
        onAlert: publishAlert,
        onError: (e) => reportInternalError('warden.conversationJudge', e),
      })
    : undefined;
  const multiTurn = new MultiTurnRiskSpanProcessor({ judge });
  const wardenProcessors: SpanProcessor[] = [
    // First: it gives the AI SDK's ai.toolCall spans execute_tool semantics as they start, before anything reads them.
    new AISDKToolCallSpanProcessor(),
    ...(analyzer ? [new AnalyzerSpanProcessor(analyzer, { service: serviceName, recordFromSpan: sharedRecord.of })] : []),
    ledger.spanProcessor(),
    multiTurn,
    new AgentGraphSpanProcessor(),
    ...(auditLog ? [new AuditLogSpanProcessor(auditLog)] : []),
  ];
  const fileProcessors: SpanProcessor[] = [];
  if (parsed.traceFile) {
    const file = typeof parsed.traceFile === 'string' ? { path: parsed.traceFile } : parsed.traceFile;
    const exporter = new FileSpanExporter({ path: file.path, maxFileBytes: file.maxBytes, maxFiles: file.maxFiles });
    fileProcessors.push(new BatchSpanProcessor(exporter, { maxQueueSize: 2048 }));
  }

  return new Warden(parsed, {
    serviceName,
    resource,
    wardenProcessors,
    // Drill spans never leave the process as usage.
    exportProcessors: [...(exportProcessor ? [exportProcessor] : []), ...fileProcessors].map((p) => new DrillFilterSpanProcessor(p)),
    drillSink: new DrillSpanSink(),
    identityKeys: parsed.identity !== undefined,
    analyzer,
    multiTurn,
    ledger,
    guard,
    auditLog,
    audit,
    cleanups,
    exporterKind: traces.kind,
    memory: traces.memory,
    meterProvider,
    registerGlobal,
  });
}
