import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ConsoleSpanExporter, InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { WardenConfigError } from '@warden/core';
import type { ParsedMonitorOptions } from './options';

type Env = Record<string, string | undefined>;
export type ExporterKind = 'otlp' | 'console' | 'memory' | 'none' | 'custom';

function otlpProtocol(options: ParsedMonitorOptions, env: Env, signal: 'TRACES' | 'METRICS'): 'http/json' | 'http/protobuf' {
  const raw = options.otlp?.protocol ?? env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (raw === 'http/json' || raw === 'http/protobuf') return raw;
  if (raw === 'grpc')
    throw new WardenConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported by Warden; use http/protobuf or http/json`, [
      { path: 'OTEL_EXPORTER_OTLP_PROTOCOL', message: "expected 'http/protobuf' | 'http/json'" },
    ]);
  throw new WardenConfigError(`Invalid OTLP protocol "${raw}": expected 'http/protobuf' | 'http/json'`, [
    { path: 'otlp.protocol', message: "expected 'http/protobuf' | 'http/json'" },
  ]);
}

/** The signal URL when an endpoint option is given; otherwise the exporter reads OTEL_* itself. */
function signalUrl(options: ParsedMonitorOptions, path: string): string | undefined {
  const endpoint = options.otlp?.endpoint;
  return endpoint ? `${endpoint.replace(/\/+$/, '')}${path}` : undefined;
}

export interface ResolvedTraceExporter {
  kind: ExporterKind;
  exporter: SpanExporter | undefined;
  memory?: InMemorySpanExporter;
  protocol?: 'http/json' | 'http/protobuf';
}

/** The span exporter: the option, else OTEL_TRACES_EXPORTER, else OTLP. */
export function resolveTraceExporter(options: ParsedMonitorOptions, env: Env = process.env): ResolvedTraceExporter {
  const choice = options.exporter ?? (env.OTEL_TRACES_EXPORTER?.split(',')[0]?.trim() || 'otlp');
  if (typeof choice !== 'string') return { kind: 'custom', exporter: choice };
  switch (choice) {
    case 'none':
      return { kind: 'none', exporter: undefined };
    case 'console':
      return { kind: 'console', exporter: new ConsoleSpanExporter() };
    case 'memory': {
      const memory = new InMemorySpanExporter();
      return { kind: 'memory', exporter: memory, memory };
    }
    case 'otlp': {
      const protocol = otlpProtocol(options, env, 'TRACES');
      const config = {
        url: signalUrl(options, '/v1/traces'),
        headers: options.otlp?.headers,
        timeoutMillis: options.otlp?.timeoutMillis ?? Math.min(10_000, options.shutdownTimeoutMs ?? 5000),
      };
      const exporter = protocol === 'http/json' ? new OTLPTraceExporterJson(config) : new OTLPTraceExporterProto(config);
      return { kind: 'otlp', exporter, protocol };
    }
    default:
      throw new WardenConfigError(`Invalid OTEL_TRACES_EXPORTER "${choice}": expected otlp | console | none`, [
        { path: 'OTEL_TRACES_EXPORTER', message: 'expected otlp | console | none' },
      ]);
  }
}

/** The metric reader: the option, else OTEL_METRICS_EXPORTER, else OTLP when spans go over OTLP. */
export function resolveMetricReader(options: ParsedMonitorOptions, traceKind: ExporterKind, env: Env = process.env): MetricReader | undefined {
  const choice = options.metrics ?? (env.OTEL_METRICS_EXPORTER?.split(',')[0]?.trim() || (traceKind === 'otlp' ? 'otlp' : 'none'));
  if (typeof choice !== 'string') return choice;
  if (choice === 'none' || choice === 'console') return undefined;
  if (choice !== 'otlp') return undefined;
  const protocol = otlpProtocol(options, env, 'METRICS');
  const config = { url: signalUrl(options, '/v1/metrics'), headers: options.otlp?.headers, timeoutMillis: options.otlp?.timeoutMillis };
  const exporter = protocol === 'http/json' ? new OTLPMetricExporterJson(config) : new OTLPMetricExporterProto(config);
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
}
