import { SpanKind } from '@opentelemetry/api';
import * as A from '@warden/core';
import { both, createTestTracing, errorShape, type TestTracing, type TwinClients } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAITwins } from './openai-twins';

describe('embeddings.create', () => {
  let tracing: TestTracing;
  let twins: TwinClients<OpenAI>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startOpenAITwins({ captureContent: true });
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('same vectors (base64 decoded by the SDK), dimensions and tokens recorded, inputs never', async () => {
    const { bare, wrapped } = await both(twins, (c) =>
      c.embeddings.create({ model: 'text-embedding-3-small', input: ['secret text one', 'two'], dimensions: 16 }),
    );
    expect(wrapped).toEqual(bare);
    const span = tracing.spans()[0]!;
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'embeddings',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: 'text-embedding-3-small',
      [A.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: 16,
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 4,
    });
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
  });

  it('float encoding is recorded as requested; errors keep their class', async () => {
    const { bare, wrapped } = await both(twins, (c) => c.embeddings.create({ model: 'e', input: 'x', encoding_format: 'float' }));
    expect(wrapped).toEqual(bare);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS]).toEqual(['float']);

    tracing.reset();
    twins.setBehaviour(() => ({ status: 401, errorMessage: 'Incorrect API key provided' }));
    const failed = await both(twins, (c) => c.embeddings.create({ model: 'e', input: 'x' }));
    expect(!failed.wrapped.ok && failed.wrapped.error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(errorShape(!failed.wrapped.ok && failed.wrapped.error)).toEqual(errorShape(!failed.bare.ok && failed.bare.error));
    expect(tracing.spans()[0]!.attributes[A.ATTR_ERROR_TYPE]).toBe('AuthenticationError');
  });
});
