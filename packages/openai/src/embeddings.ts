/** `embeddings.create`: request and response as GenAI span facts (inputs are never recorded). */
import { GEN_AI_OPERATION } from '@warden/core';
import { asArray, asDict, asNumber, asString, planStart, type ModelCallPlan, type ModelResponse, type ServerTarget } from '@warden/core/internal';

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
    start: planStart(GEN_AI_OPERATION.EMBEDDINGS, b, target, { encodingFormats: format ? [format] : undefined }),
    response: embeddingsResponse,
  };
}
