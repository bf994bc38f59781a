/**
 * Seeded synthetic record streams shared by the tests and the benchmarks (not part of the
 * public API): stationary phases and shifts of stated sizes, reproducible from a seed.
 */
import type { CallRecord } from '@warden/core';
import { logNormal, normal, poisson, seededRandom as prng } from '@warden/testing';

// The seeded PRNG and its distributions are @warden/testing's, shared with the other packages' fixtures.
export { logNormal, normal, poisson, prng };

export function pick<T>(rand: () => number, items: readonly T[], weights: readonly number[]): T {
  let total = 0;
  for (const w of weights) total += w;
  let u = rand() * total;
  for (let i = 0; i < items.length; i++) {
    u -= weights[i];
    if (u <= 0) return items[i];
  }
  return items[items.length - 1];
}

export type Distribution = 'normal' | 'lognormal' | 'poisson';

export interface StreamSpec {
  seed: number;
  /** Distribution of output tokens (and, scaled, of latency). */
  distribution: Distribution;
  meanOutputTokens: number;
  tools: readonly string[];
  toolWeights: readonly number[];
  /** Probability that the model requests a tool at all. */
  toolProbability: number;
  /** Probability that a record repeats the previous record's tool (bursty categorical mixes). */
  burstiness: number;
  errorRate: number;
  lengthRate: number;
  agent?: string;
  model?: string;
  service?: string;
}

export const DEFAULT_STREAM: StreamSpec = {
  seed: 1,
  distribution: 'lognormal',
  meanOutputTokens: 210,
  tools: ['search', 'lookup_order', 'refund'],
  toolWeights: [6, 3, 1],
  toolProbability: 0.3,
  burstiness: 0,
  errorRate: 0.01,
  lengthRate: 0.02,
  agent: 'support-bot',
  model: 'gpt-4o-mini',
  service: 'shop',
};

/** An endless generator of chat records; `spec` may be changed between calls to shift behaviour. */
export class RecordStream {
  private readonly rand: () => number;
  private i = 0;
  private lastTool: string | undefined;
  constructor(public spec: StreamSpec) {
    this.rand = prng(spec.seed);
  }

  outputTokens(): number {
    const s = this.spec;
    switch (s.distribution) {
      case 'normal':
        return Math.max(0, s.meanOutputTokens + 0.3 * s.meanOutputTokens * normal(this.rand));
      case 'poisson':
        return poisson(this.rand, s.meanOutputTokens);
      default:
        return logNormal(this.rand, s.meanOutputTokens, 0.6);
    }
  }

  next(): CallRecord {
    const s = this.spec;
    const r = this.rand;
    this.i++;
    const out = this.outputTokens();
    let toolCalls: string[] = [];
    if (r() < s.toolProbability) {
      const tool = this.lastTool !== undefined && r() < s.burstiness && s.tools.includes(this.lastTool) ? this.lastTool : pick(r, s.tools, s.toolWeights);
      this.lastTool = tool;
      toolCalls = [tool];
    }
    const error = r() < s.errorRate;
    const finish = toolCalls.length > 0 ? 'tool_calls' : r() < s.lengthRate ? 'length' : 'stop';
    return {
      time: 1_767_225_600_000 + this.i * 1000,
      traceId: `trace${this.i.toString(16).padStart(27, '0')}`,
      spanId: this.i.toString(16).padStart(16, '0'),
      service: s.service,
      operation: 'chat',
      provider: 'openai',
      model: s.model,
      agent: s.agent,
      conversationId: `conv-${Math.floor(this.i / 5)}`,
      toolCalls,
      latencyMs: 200 + out * 8 * Math.exp(0.2 * normal(r)),
      inputTokens: Math.round(logNormal(r, 800, 0.4)),
      outputTokens: Math.round(out),
      outputLength: Math.round(out * 4),
      finishReasons: [finish],
      ...(error ? { errorType: 'rate_limit_exceeded' } : {}),
    };
  }
}
