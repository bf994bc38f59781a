import { describe, expect, it } from 'vitest';
import { Redactor } from './redaction';

describe('Redactor', () => {
  const r = new Redactor([/ACME-\d{6}/]);

  it.each([
    ['an OpenAI project key', 'use sk-proj-abcdefghijklmnop1234567890 now', '[REDACTED:api_key]'],
    ['an Anthropic key', 'key sk-ant-api03-abcdefghijklmnopqrstu', '[REDACTED:api_key]'],
    ['an AWS access key', 'AKIAIOSFODNN7EXAMPLE', '[REDACTED:api_key]'],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:api_key]'],
    ['a bearer token', 'Authorization: Bearer abcdefghijklmnop.qrstuv', '[REDACTED:bearer_token]'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '[REDACTED:jwt]'],
    ['an e-mail address', 'write to jane.doe+x@example.co.uk please', '[REDACTED:email]'],
    ['a card number', 'card 4111 1111 1111 1111 exp 12/30', '[REDACTED:card_number]'],
    ['a password assignment', 'password=hunter2hunter2', '[REDACTED:secret_assignment]'],
    ['a user pattern', 'ticket ACME-123456', '[REDACTED:custom_0]'],
  ])('redacts %s', (_what, input, placeholder) => {
    const out = r.redact(input);
    expect(out).toContain(placeholder);
  });

  it('leaves ordinary text, order numbers and non-Luhn digit runs alone', () => {
    const text = 'Order 1234 5678 9012 3456 shipped to Oslo; the sky is blue; 😀 ünïcödé';
    expect(r.redact(text)).toBe(text);
  });

  it('redacts deep inside structures without mutating the input', () => {
    const input = { messages: [{ role: 'user', parts: [{ type: 'text', content: 'mail me at a@b.io' }] }] };
    const out = r.redactDeep(input) as typeof input;
    expect(out.messages[0]!.parts[0]!.content).toBe('mail me at [REDACTED:email]');
    expect(input.messages[0]!.parts[0]!.content).toBe('mail me at a@b.io');
  });
});
