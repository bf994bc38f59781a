/** `embeddings.create`: request and response as GenAI span facts (inputs are never recorded). */
import { GEN_AI_OPERATION } from '@warden/core';
import { asArray, asDict, asNumber, asString, type ModelCallPlan, type ModelResponse } from '@warden/core/internal';
import type { ServerTarget } from './openai-target';

export function embeddingsResponse(data: unknown): ModelResponse {
  const body = asDict(data) ?? {};
  const first = asDict(asArray(body.data)[0])?.embedding;
  const usage = asDict(body.usage);
  return {
    model: asString(body.model),
    usage: usage ? { inputTokens: asNumber(usage.prompt_tokens) } : undefined,
    // The SDK decodes base64 to numbers; a string embedding has no countable dimensions.
    embeddingDimensions: Array.isArray(first) ? first.length : undefined,
  };
}

export function embeddingsPlan(body: unknown, target: ServerTarget): ModelCallPlan {
  const b = asDict(body) ?? {};
  const format = asString(b.encoding_format);
  return {
    start: {
      operation: GEN_AI_OPERATION.EMBEDDINGS,
      provider: target.provider,
      requestModel: asString(b.model),
      serverAddress: target.address,
      serverPort: target.port,
      request: { encodingFormats: format ? [format] : undefined },
    },
    response: embeddingsResponse,
  };
}
