import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { agentIdentitySchema } from '@warden/core/internal';
import { z } from 'zod';
import { conversationJudgeSchema } from './conversation-judge';
import { drillOptionsSchema } from './drills/drill-options';

const spanExporter = z.custom<SpanExporter>(
  (v) => typeof v === 'object' && v !== null && typeof (v as SpanExporter).export === 'function' && typeof (v as SpanExporter).shutdown === 'function',
  { message: "expected 'otlp' | 'console' | 'memory' | 'none' or a SpanExporter (an object with export() and shutdown())" },
);

const metricReader = z.custom<MetricReader>(
  (v) => typeof v === 'object' && v !== null && typeof (v as MetricReader).collect === 'function' && typeof (v as MetricReader).shutdown === 'function',
  { message: "expected 'otlp' | 'none' or a MetricReader" },
);

const regexList = z.array(z.instanceof(RegExp, { message: 'expected a RegExp' }));

export const otlpOptionsSchema = z
  .object({
    /** Base endpoint, e.g. http://collector:4318 (the signal path is appended). Default: OTEL_EXPORTER_OTLP_ENDPOINT. */
    endpoint: z.url({ message: 'expected a URL such as http://localhost:4318' }).optional(),
    /** Default: OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf. */
    protocol: z.enum(['http/json', 'http/protobuf']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMillis: z.number().int().positive().optional(),
  })
  .strict();

export const monitorOptionsSchema = z
  .object({
    /** service.name; default OTEL_SERVICE_NAME, else unknown_service:node. */
    serviceName: z.string().min(1, 'expected a non-empty string').optional(),
    serviceVersion: z.string().optional(),
    /** Where spans go. Default: OTEL_TRACES_EXPORTER, else 'otlp'. */
    exporter: z
      .union([z.enum(['otlp', 'console', 'memory', 'none']), spanExporter], {
        message: "expected 'otlp' | 'console' | 'memory' | 'none' or a SpanExporter",
      })
      .optional(),
    otlp: otlpOptionsSchema.optional(),
    /** GenAI client metrics. Default: OTLP when spans go over OTLP, else none. */
    metrics: z.union([z.enum(['otlp', 'none']), metricReader]).optional(),
    /** Record prompts and completions (redacted). Default: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT as it is when monitor() starts, else off. */
    captureContent: z.boolean().optional(),
    redactPatterns: regexList.optional(),
    maxContentLength: z.number().int().min(64, 'expected at least 64').optional(),
    /** Analyzer options, or false to turn the analyzer off. */
    analyzer: z.union([z.literal(false), z.record(z.string(), z.unknown())]).optional(),
    /** Least-privilege policies per agent, or the path of a JSON/YAML file of them. */
    policies: z.union([z.array(z.record(z.string(), z.unknown())), z.string().min(1)]).optional(),
    /** Approval hook for policies that list tools in requireApproval without their own approve. */
    approve: z
      .custom<(call: unknown) => boolean | Promise<boolean>>((v) => typeof v === 'function', {
        message: 'expected a function (call) => boolean | Promise<boolean>',
      })
      .optional(),
    /**
     * Append-only, hash-chained audit log: a file path, a writable stream, or
     * `{ path, hmacKey | hmacKeyEnv, checkpointEvery }` for a keyed (HMAC) chain with signed checkpoints.
     */
    auditLog: z
      .union([
        z.string().min(1),
        z
          .object({
            path: z.string().min(1),
            /** HMAC-SHA256 key: nobody without it can rewrite the log and recompute the chain. */
            hmacKey: z
              .union([z.string(), z.instanceof(Buffer)])
              .refine((k) => Buffer.byteLength(k) >= 16, 'expected a key of at least 16 bytes')
              .optional(),
            /** Name of the environment variable holding the key (kept out of code and config files). */
            hmacKeyEnv: z.string().min(1).optional(),
            /** A signed checkpoint (entry count + last hash) every this many entries and at shutdown. Default 1000; 0 turns it off. */
            checkpointEvery: z.number().int().nonnegative().optional(),
          })
          .strict()
          .refine((o) => !(o.hmacKey !== undefined && o.hmacKeyEnv !== undefined), 'give hmacKey or hmacKeyEnv, not both'),
        z.custom<NodeJS.WritableStream>((v) => typeof (v as NodeJS.WritableStream | undefined)?.write === 'function', {
          message: 'expected a file path, { path, hmacKey?, hmacKeyEnv?, checkpointEvery? } or a writable stream',
        }),
      ])
      .optional(),
    /** Also write spans as OTLP/JSON lines to this file (rotating), for `warden report`. */
    traceFile: z
      .union([
        z.string().min(1),
        z.object({ path: z.string().min(1), maxBytes: z.number().int().positive().optional(), maxFiles: z.number().int().positive().optional() }).strict(),
      ])
      .optional(),
    /**
     * Signed agent identity: the key set (a JSON file path, or its content) and what an
     * unverified hand-off does: 'audit' (alert, default) or 'enforce' (refuse before the callee runs).
     */
    identity: z
      .object({
        keys: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
        mode: z.enum(['audit', 'enforce']).optional(),
        /** A hand-off signature older than this is expired. Default 5 minutes. */
        maxAgeMs: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** Drills: safe synthetic attacks through this deployment's own controls; true for on-demand only. */
    drills: z.union([z.literal(true), drillOptionsSchema]).optional(),
    /** Register as the global tracer/meter provider. Default true (false when one is already registered). */
    registerGlobal: z.boolean().optional(),
    /**
     * Off by default. A second opinion on conversations: a sampled, budgeted window of recent
     * turns goes to OpenAI moderation (through your own client) or an OpenAI-compatible guard
     * model; never on the app's call path. Needs captureContent.
     */
    conversationJudge: conversationJudgeSchema.optional(),
    /** Upper bound for flush() and shutdown(), even when the collector is down. Default 5000. */
    shutdownTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export type MonitorOptions = z.input<typeof monitorOptionsSchema>;
export type ParsedMonitorOptions = z.output<typeof monitorOptionsSchema>;

export const wrapOptionsSchema = z
  .object({
    agent: z.union([z.string().min(1), agentIdentitySchema]).optional(),
    captureContent: z.boolean().optional(),
    redactPatterns: regexList.optional(),
    maxContentLength: z.number().int().min(64).optional(),
    streamIdleTimeoutMs: z.number().int().nonnegative().optional(),
  })
  .passthrough();

export type WrapOptions = z.input<typeof wrapOptionsSchema>;
