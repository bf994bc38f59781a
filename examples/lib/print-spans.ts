import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const SHOWN = [
  'gen_ai.agent.name',
  'gen_ai.request.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.response.finish_reasons',
  'gen_ai.response.time_to_first_chunk',
  'warden.tool_calls.names',
  'gen_ai.tool.name',
  'error.type',
  'warden.stream.outcome',
];

function ms(span: ReadableSpan): string {
  return `${(span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1)} ms`;
}

function attrs(span: ReadableSpan): string {
  return SHOWN.filter((k) => span.attributes[k] !== undefined)
    .map((k) => {
      const v = span.attributes[k];
      const value = typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
      return `${k.replace(/^gen_ai\./, '')}=${value}`;
    })
    .join('  ');
}

/** Spans as an indented tree per trace, one line each: name, duration, key attributes. */
export function formatSpanTree(spans: readonly ReadableSpan[]): string {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const s of spans) {
    const parent = s.parentSpanContext?.spanId;
    const key = parent && ids.has(parent) ? parent : undefined;
    byParent.set(key, [...(byParent.get(key) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${depth ? '└─ ' : '● '}${s.name}  (${ms(s)})  ${attrs(s)}`);
    for (const child of byParent.get(s.spanContext().spanId) ?? []) walk(child, depth + 1);
  };
  for (const root of byParent.get(undefined) ?? []) walk(root, 0);
  return lines.join('\n');
}
