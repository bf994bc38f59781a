import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createPolicyGuard } from '@warden/agents';
import { alertEventAttributes } from '@warden/analyzer';
import { controlsForKind, EVENT_WARDEN_ALERT, onWardenEvent, setToolGuard, traceTool, type Alert } from '@warden/core';
import { PostureLedger } from '@warden/posture';
import { afterEach, describe, expect, it } from 'vitest';

// One alert-kind → controls mapping: an alert raised live and the same alert recovered from
// the span it was recorded on (`warden report` over trace files) count toward the same controls.
describe('alert controls, live and replayed', () => {
  afterEach(() => setToolGuard(undefined));

  it('a policy_violation carries the same controls live and when the ledger replays it from a span event', async () => {
    const live: Alert[] = [];
    const off = onWardenEvent((e) => {
      if (e.type === 'alert') live.push(e.alert);
    });
    try {
      setToolGuard(createPolicyGuard([{ agent: 'bot', mode: 'audit', allowedTools: ['search'] }]));
      await traceTool('delete_db', () => 'ran', { agent: 'bot' })();
    } finally {
      off();
    }
    expect(live).toHaveLength(1);
    const alert = live[0]!;
    expect(alert.controls).toEqual(controlsForKind('policy_violation'));

    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider
      .getTracer('t')
      .startSpan('execute_tool delete_db', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'delete_db' } });
    span.addEvent(EVENT_WARDEN_ALERT, alertEventAttributes(alert));
    span.end();
    const ledger = new PostureLedger({ source: 'traces' });
    ledger.observeSpan(exporter.getFinishedSpans()[0]!);
    const replayed = ledger.snapshot().alerts.recent;
    expect(replayed.map((a) => [a.id, a.kind, a.controls])).toEqual([[alert.id, 'policy_violation', alert.controls]]);
    await provider.shutdown();
  });
});
