/**
 * OTLP/protobuf request bodies as a Collector would batch them for `warden serve`: several
 * services per request, GenAI chat and tool spans plus ordinary HTTP spans. Shared by the
 * bench's load process and its in-process baseline, so both see the same spans.
 */
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVICE_NAME,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '@warden/core';
import { seededRandom } from '@warden/testing';
import { ExportTraceServiceRequestType } from '../src/serve/otlp-schema';

export interface FleetBodiesOptions {
  bodies: number;
  servicesPerBody: number;
  spansPerService: number;
  services: number;
}

export const DEFAULT_FLEET_BODIES: FleetBodiesOptions = { bodies: 64, servicesPerBody: 5, spansPerService: 100, services: 20 };

const TOOLS = ['search', 'fetch_page', 'lookup_order', 'send_email'];
const MODELS = ['gpt-4o', 'gpt-4o-mini'];

function kv(key: string, value: string | number | string[]): unknown {
  if (Array.isArray(value)) return { key, value: { arrayValue: { values: value.map((v) => ({ stringValue: v })) } } };
  return { key, value: typeof value === 'string' ? { stringValue: value } : { intValue: value } };
}

/** The bodies and how many spans of each kind they hold. */
export function fleetBodies(options: FleetBodiesOptions = DEFAULT_FLEET_BODIES): { bodies: Buffer[]; spansPerBody: number; genAiPerBody: number } {
  const random = seededRandom(42);
  const bodies: Buffer[] = [];
  let genAiPerBody = 0;
  let spanSeq = 0;
  const start = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;
  for (let b = 0; b < options.bodies; b++) {
    let genAi = 0;
    const resourceSpans = [];
    for (let s = 0; s < options.servicesPerBody; s++) {
      const service = `service-${(b * options.servicesPerBody + s) % options.services}`;
      const spans = [];
      for (let i = 0; i < options.spansPerService; i++) {
        spanSeq++;
        const begin = start + BigInt(spanSeq) * 10_000_000n;
        const agent = `agent-${i % 3}`;
        const kind = i % 10;
        let name: string;
        let attributes: unknown[];
        let durationNs: bigint;
        if (kind < 8) {
          const model = MODELS[i % 2]!;
          name = `${GEN_AI_OPERATION.CHAT} ${model}`;
          durationNs = BigInt(800 + Math.floor(random() * 400)) * 1_000_000n;
          attributes = [
            kv(ATTR_GEN_AI_OPERATION_NAME, GEN_AI_OPERATION.CHAT),
            kv(ATTR_GEN_AI_PROVIDER_NAME, GEN_AI_PROVIDER.OPENAI),
            kv(ATTR_GEN_AI_REQUEST_MODEL, model),
            kv(ATTR_GEN_AI_RESPONSE_MODEL, model),
            kv(ATTR_GEN_AI_AGENT_NAME, agent),
            kv(ATTR_GEN_AI_USAGE_INPUT_TOKENS, 400 + Math.floor(random() * 200)),
            kv(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, 150 + Math.floor(random() * 100)),
            kv(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, ['stop']),
          ];
          genAi++;
        } else if (kind === 8) {
          const tool = TOOLS[Math.floor(random() * TOOLS.length)]!;
          name = `${GEN_AI_OPERATION.EXECUTE_TOOL} ${tool}`;
          durationNs = BigInt(5 + Math.floor(random() * 20)) * 1_000_000n;
          attributes = [kv(ATTR_GEN_AI_OPERATION_NAME, GEN_AI_OPERATION.EXECUTE_TOOL), kv(ATTR_GEN_AI_AGENT_NAME, agent), kv(ATTR_GEN_AI_TOOL_NAME, tool)];
          genAi++;
        } else {
          name = 'GET /orders';
          durationNs = 12_000_000n;
          attributes = [kv('http.request.method', 'GET'), kv('http.route', '/orders'), kv('http.response.status_code', 200)];
        }
        spans.push({
          traceId: Buffer.from(spanSeq.toString(16).padStart(32, '7'), 'hex'),
          spanId: Buffer.from(spanSeq.toString(16).padStart(16, '3'), 'hex'),
          name,
          kind: kind < 9 ? 3 : 2,
          startTimeUnixNano: begin.toString(),
          endTimeUnixNano: (begin + durationNs).toString(),
          attributes,
          status: {},
        });
      }
      resourceSpans.push({ resource: { attributes: [kv(ATTR_SERVICE_NAME, service)] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] });
    }
    genAiPerBody = genAi;
    const message = ExportTraceServiceRequestType.fromObject({ resourceSpans });
    bodies.push(Buffer.from(ExportTraceServiceRequestType.encode(message).finish()));
  }
  return { bodies, spansPerBody: options.servicesPerBody * options.spansPerService, genAiPerBody };
}
