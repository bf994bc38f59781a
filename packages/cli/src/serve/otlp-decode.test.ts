import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_SERVICE_NAME,
  ATTR_WARDEN_OUTPUT_LENGTH,
} from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTraceRequest, decodeTraceResponse, encodeTraceResponse, MalformedOtlpError, type DecodedSpan, type OtlpEncoding } from './otlp-decode';

/** A receiver that decodes what the real exporters send, as `warden serve` does. */
async function startReceiver(): Promise<{ url: string; decoded: DecodedSpan[]; encodings: string[]; server: Server }> {
  const decoded: DecodedSpan[] = [];
  const encodings: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const encoding: OtlpEncoding = String(req.headers['content-type']).includes('json') ? 'json' : 'protobuf';
      encodings.push(`${encoding}/${req.headers['content-encoding'] ?? 'identity'}`);
      decoded.push(...decodeTraceRequest(body, encoding).spans);
      res.writeHead(200, { 'content-type': req.headers['content-type'] });
      res.end(encodeTraceResponse(encoding));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, decoded, encodings, server };
}

function makeSpans(tracer: Tracer): void {
  const parent = tracer.startSpan('invoke_agent planner');
  {
    const child = tracer.startSpan(
      'chat gpt-4o',
      {
        attributes: {
          [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
          [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1234,
          [ATTR_WARDEN_OUTPUT_LENGTH]: 17.5,
          [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop', 'tool_calls'],
          'warden.flag': true,
        },
      },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('first-chunk', { n: 1 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end();
  }
}

function expectSameSpan(got: DecodedSpan, want: ReadableSpan): void {
  expect(got.span.name).toBe(want.name);
  expect(got.span.attributes).toEqual(want.attributes);
  expect(got.span.startTime).toEqual(want.startTime);
  expect(got.span.endTime).toEqual(want.endTime);
  expect(got.span.duration).toEqual(want.duration);
  expect(got.span.status).toEqual(want.status);
  expect(got.span.kind).toBe(want.kind);
  expect(got.span.spanContext().traceId).toBe(want.spanContext().traceId);
  expect(got.span.spanContext().spanId).toBe(want.spanContext().spanId);
  expect(got.span.parentSpanContext?.spanId).toBe(want.parentSpanContext?.spanId);
  expect(got.span.events.map((e) => [e.name, e.attributes, e.time])).toEqual(want.events.map((e) => [e.name, e.attributes, e.time]));
  expect(got.service).toBe(want.resource.attributes[ATTR_SERVICE_NAME]);
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('decodeTraceRequest', () => {
  const exporters = [
    ['http/protobuf', (url: string) => new OtlpProtoExporter({ url })],
    // The legacy config types compression as a string enum this package does not re-export.
    ['http/protobuf+gzip', (url: string) => new OtlpProtoExporter({ url, compression: 'gzip' as never })],
    ['http/json', (url: string) => new OtlpHttpJsonExporter({ url })],
  ] as const;

  for (const [label, makeExporter] of exporters) {
    it(`reads what the SDK's own ${label} exporter sends, exactly as the SDK holds it`, async () => {
      const receiver = await startReceiver();
      servers.push(receiver.server);
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'billing' }),
        spanProcessors: [new SimpleSpanProcessor(makeExporter(receiver.url)), new SimpleSpanProcessor(memory)],
      });
      makeSpans(provider.getTracer('test'));
      await provider.forceFlush();
      const want = memory.getFinishedSpans();
      await provider.shutdown();
      expect(want).toHaveLength(2);
      expect(receiver.decoded).toHaveLength(2);
      for (const w of want) {
        const got = receiver.decoded.find((d) => d.span.spanContext().spanId === w.spanContext().spanId);
        expect(got).toBeDefined();
        expectSameSpan(got!, w);
      }
      expect(receiver.encodings[0]).toBe(label === 'http/json' ? 'json/identity' : label.endsWith('gzip') ? 'protobuf/gzip' : 'protobuf/identity');
    });
  }

  it('rejects malformed spans one by one and keeps the rest (partial success)', () => {
    const good = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      name: 'chat',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: 1700000000500000000,
      attributes: [{ key: 'n', value: { intValue: '42' } }],
    };
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              spans: [
                good,
                { ...good, traceId: 'xyz' },
                { ...good, spanId: '00' },
                { ...good, endTimeUnixNano: '1' },
                { ...good, attributes: [{ key: 'n', value: { intValue: 'not a number' } }] },
              ],
            },
          ],
        },
      ],
    };
    const decoded = decodeTraceRequest(Buffer.from(JSON.stringify(body)), 'json');
    expect(decoded.totalSpans).toBe(5);
    // A malformed attribute value costs the attribute, not the span (the same rule as `warden report`).
    expect(decoded.spans).toHaveLength(2);
    expect(decoded.rejectedSpans).toBe(3);
    expect(decoded.rejectReasons).toEqual(['invalid traceId', 'invalid spanId', 'invalid start/end time']);
    expect(decoded.spans[0]!.span.attributes).toEqual({ n: 42 });
    expect(decoded.spans[1]!.span.attributes).toEqual({});
    expect(decoded.spans[0]!.span.duration).toEqual([0, 500_000_000]);
    expect(decoded.spans[0]!.service).toBe('svc');
  });

  it('refuses bodies that are not an OTLP trace request at all', () => {
    expect(() => decodeTraceRequest(Buffer.from('{not json'), 'json')).toThrow(MalformedOtlpError);
    expect(() => decodeTraceRequest(Buffer.from('[1,2]'), 'json')).toThrow(MalformedOtlpError);
    expect(() => decodeTraceRequest(Buffer.from('{"resourceSpans": 3}'), 'json')).toThrow(MalformedOtlpError);
    expect(() => decodeTraceRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'protobuf')).toThrow(MalformedOtlpError);
  });

  it('writes the response in the encoding of the request', () => {
    for (const enc of ['json', 'protobuf'] as const) {
      expect(decodeTraceResponse(encodeTraceResponse(enc), enc)).toBeUndefined();
      expect(decodeTraceResponse(encodeTraceResponse(enc, { rejectedSpans: 3, errorMessage: 'bad ids' }), enc)).toEqual({
        rejectedSpans: 3,
        errorMessage: 'bad ids',
      });
    }
  });
});
