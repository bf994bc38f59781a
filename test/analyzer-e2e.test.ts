import { seededRandom, logNormal, startFakeLlmServer, type FakeReply } from '@warden/testing';
import OpenAI from 'openai';
import { monitor, traceTool, wrap, type Alert } from 'warden';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The analyzer end to end: the real OpenAI client, monitor(), a fake model whose behaviour
// changes mid-run. Silent before the change; the right alert kinds within a bounded number of calls after.
describe('analyzer on a changing model', () => {
  const random = seededRandom(7);
  let changed = false;
  // Latencies of a real model and real tools (tens of ms), so that the machine's own jitter
  // (JIT warm-up, other processes) stays well inside the analyzer's practical-significance floor.
  const delayMs = () => Math.round(logNormal(random, 12, 0.1));
  const behaviour = (): FakeReply => {
    if (changed && random() < 0.2) return { toolCalls: [{ name: 'wire_money', arguments: { to: 'x' } }], delayMs: delayMs() };
    if (random() < 0.2) return { toolCalls: [{ name: 'lookup_order', arguments: { id: '1' } }], delayMs: delayMs() };
    return { outputTokens: Math.round(logNormal(random, changed ? 420 : 200, 0.2)), inputTokens: 300, delayMs: delayMs() };
  };
  const toolWork = () => new Promise((resolve) => setTimeout(resolve, 12));
  let server: Awaited<ReturnType<typeof startFakeLlmServer>>;
  beforeAll(async () => {
    server = await startFakeLlmServer({ behaviour });
  });
  afterAll(() => server.close());

  it('stays silent on stationary behaviour, then raises drift and tool_anomaly alerts soon after the change', async () => {
    // Minutes of traffic compressed into seconds: baselines are fixed on records alone (warmupMs 0).
    const warden = monitor({ serviceName: 'e2e-analyzer', exporter: 'none', metrics: 'none', analyzer: { warmupMs: 0 } });
    const alerts: { alert: Alert; call: number }[] = [];
    let call = 0;
    // One change is one incident: its first alert is published, the others join it as updates.
    warden.on('alert', (alert) => alerts.push({ alert, call }));
    warden.on('incident_update', (u) => alerts.push({ alert: u.alert, call }));
    const openai = wrap(new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 }), { agent: 'support-bot' });
    const tools: Record<string, (args: unknown) => Promise<unknown>> = {
      lookup_order: traceTool('lookup_order', async () => (await toolWork(), { status: 'shipped' }), { agent: 'support-bot' }),
      wire_money: traceTool('wire_money', async () => (await toolWork(), { ok: true }), { agent: 'support-bot' }),
    };
    const turn = async () => {
      call++;
      const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'help' }] });
      for (const tc of reply.choices[0]!.message.tool_calls ?? []) if (tc.type === 'function') await tools[tc.function.name]!({});
    };
    try {
      for (let i = 0; i < 600; i++) await turn();
      expect(alerts.map((a) => a.alert.message)).toEqual([]);

      changed = true;
      const changeAt = call;
      for (let i = 0; i < 300; i++) await turn();
      const after = (pred: (a: Alert) => boolean) => alerts.find((a) => pred(a.alert));
      const drift = after((a) => a.kind === 'drift' && a.subject.feature === 'output_tokens');
      const tool = after((a) => a.kind === 'tool_anomaly' && a.subject.tool === 'wire_money');
      expect(drift, 'an output_tokens drift alert').toBeDefined();
      expect(tool, 'a tool_anomaly alert for wire_money').toBeDefined();
      expect(drift!.call - changeAt).toBeLessThanOrEqual(150);
      expect(tool!.call - changeAt).toBeLessThanOrEqual(50);
      expect(drift!.alert.message).toMatch(/output tokens of agent support-bot on gpt-4o-mini rose from median \d+ to \d+/);
      expect(drift!.alert.traceIds.length).toBeGreaterThan(0);
      expect(drift!.alert.controls).toContain('L3.drift-alerts');
    } finally {
      await warden.shutdown();
    }
  }, 120_000);

  it('stationary runs against a ~2 ms fake model raise no latency alert, on a quiet and on a busy machine', async () => {
    const fast = await startFakeLlmServer({ behaviour: () => ({ outputTokens: 20, delayMs: 2 }) });
    try {
      for (const busy of [false, true]) {
        const warden = monitor({
          serviceName: `e2e-fast-${busy ? 'busy' : 'quiet'}`,
          exporter: 'none',
          metrics: 'none',
          analyzer: { warmupMs: 0, warmup: 100 },
        });
        const latency: string[] = [];
        const collect = (a: Alert) => {
          if (a.subject.feature === 'latency' || a.subject.feature === 'time_to_first_chunk') latency.push(a.message);
        };
        warden.on('alert', collect);
        warden.on('incident_update', (u) => collect(u.alert));
        // A busy host: the event loop is blocked for 2-16 ms every 20 ms (other work, GC, a noisy neighbour).
        let spin = 0;
        const hog = busy
          ? setInterval(() => {
              const until = Date.now() + 2 + (spin++ % 8) * 2;
              while (Date.now() < until);
            }, 20)
          : undefined;
        try {
          const openai = wrap(new OpenAI({ apiKey: 'k', baseURL: fast.openaiBaseURL, maxRetries: 0 }), { agent: 'fast-bot' });
          // The same traffic throughout: a pair of concurrent calls (the slower ends last), then single calls.
          // (Larger bursts queue behind the blocked event loop for 100+ ms; when the host's load then
          // changes, a 100 ms move of that queueing is a real change of the host, beyond any floor.)
          const call = () => openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
          for (let round = 0; round < 40; round++) {
            await Promise.all(Array.from({ length: 2 }, call));
            for (let i = 0; i < 4; i++) await call();
          }
        } finally {
          if (hog) clearInterval(hog);
          await warden.shutdown();
        }
        expect(latency.join('\n'), busy ? 'busy machine' : 'quiet machine').toBe('');
      }
    } finally {
      await fast.close();
    }
  }, 120_000);
});
