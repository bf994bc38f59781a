import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '@warden/core';
import { startFakeLlmServer } from '@warden/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { monitor } from './monitor';
import { wrap } from './wrap';

// monitor() owns the MeterProvider: the GenAI client metrics use the spec's bucket boundaries.
describe('GenAI client metrics', () => {
  it('records gen_ai.client.token.usage and gen_ai.client.operation.duration with the advised buckets', async () => {
    const server = await startFakeLlmServer({ behaviour: () => ({ inputTokens: 40, outputTokens: 7 }) });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const warden = monitor({ serviceName: 'metrics-svc', exporter: 'none', metrics: reader, analyzer: false });
    try {
      const openai = wrap(new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 }));
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      await reader.forceFlush();
      const metrics = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
      const tokens = metrics.find((m) => m.descriptor.name === 'gen_ai.client.token.usage') as HistogramMetricData;
      const duration = metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration') as HistogramMetricData;
      expect(tokens.dataPointType).toBe(DataPointType.HISTOGRAM);
      expect(tokens.descriptor.unit).toBe('{token}');
      expect(duration.descriptor.unit).toBe('s');
      const byType = Object.fromEntries(tokens.dataPoints.map((p) => [p.attributes['gen_ai.token.type'], p]));
      expect(byType.input!.value.sum).toBe(40);
      expect(byType.output!.value.sum).toBe(7);
      expect(byType.input!.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
      });
      expect(byType.input!.value.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
      expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual(OPERATION_DURATION_BUCKETS);
      expect(duration.dataPoints[0]!.value.count).toBe(1);
    } finally {
      await warden.shutdown();
      await server.close();
    }
  });
});
