/**
 * #13 item 5: a provider error that echoes the prompt must not carry its secrets out of the
 * process. With content off the span records the error's type and codes only; with content on,
 * its text is redacted.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as A from '@warden/core';
import { createTestTracing, type TestTracing, type TwinClients } from '@warden/testing';
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAITwins } from './openai-twins';
import { wrapOpenAI } from './wrap-openai';

const SECRETS = {
  apiKey: 'sk-proj-Zx8Qw3Er5Ty7Ui9Op1As2Df4Gh6',
  card: '4111 1111 1111 1111',
  email: 'jane.doe@example.com',
  dbPassword: 'password=Tr0ub4dor&3xyz',
};
const PROMPT = `my key is ${SECRETS.apiKey}, card ${SECRETS.card}, mail ${SECRETS.email}, db ${SECRETS.dbPassword}`;

/** Every text of a span that leaves the process on an error. */
function exportedErrorTexts(span: ReadableSpan): string[] {
  const texts = [span.status.message ?? ''];
  for (const e of span.events) for (const v of Object.values(e.attributes ?? {})) texts.push(String(v));
  return texts;
}

describe('provider errors that echo the prompt', () => {
  let tracing: TestTracing;
  let twins: TwinClients<OpenAI>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startOpenAITwins();
    // A 400 whose message quotes the request, as providers do for invalid input.
    twins.setBehaviour(() => ({ status: 400, errorMessage: `Invalid request: could not parse '${PROMPT}'` }));
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  const call = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: PROMPT }] }).catch((e: unknown) => e);

  it('with content off, records type and status only: no provider text, no secret, in status, exception message or stack', async () => {
    const error = (await call(twins.wrapped)) as Error;
    expect(error.message).toContain(SECRETS.apiKey); // the app still gets the SDK's error unchanged
    const span = tracing.spans()[0]!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toMatch(/^BadRequestError \(status 400/);
    expect(span.attributes[A.ATTR_ERROR_TYPE]).toBe('BadRequestError');
    const exception = span.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes?.['exception.type']).toBe('BadRequestError');
    expect(String(exception.attributes?.['exception.stacktrace'])).toMatch(/^\s+at /);
    for (const text of exportedErrorTexts(span)) {
      expect(text).not.toContain('Invalid request');
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    }
  });

  it('with content on, records the message and stack redacted', async () => {
    const wrapped = wrapOpenAI(twins.bare, { captureContent: true });
    await call(wrapped);
    const span = tracing.spans()[0]!;
    expect(span.status.message).toContain('Invalid request');
    expect(span.status.message).toContain('[REDACTED:api_key]');
    expect(span.status.message).toContain('[REDACTED:card_number]');
    expect(span.status.message).toContain('[REDACTED:email]');
    expect(span.status.message).toContain('[REDACTED:secret_assignment]');
    const stack = String(span.events.find((e) => e.name === 'exception')!.attributes?.['exception.stacktrace']);
    expect(stack).toContain('[REDACTED:api_key]');
    for (const text of exportedErrorTexts(span)) for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });
});
