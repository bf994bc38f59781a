import { describe, expect, it } from 'vitest';
import { normalizeInvisible, Redactor } from './redaction';

describe('Redactor', () => {
  const r = new Redactor([/ACME-\d{6}/]);
  const ZWSP = '\u200B';

  // Every pattern the READMEs claim, and the common ones the hardening review found missing.
  it.each([
    ['an OpenAI project key', 'use sk-proj-abcdefghijklmnop1234567890 now', '[REDACTED:api_key]'],
    ['an Anthropic key', 'key sk-ant-api03-abcdefghijklmnopqrstu', '[REDACTED:api_key]'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE', '[REDACTED:api_key]'],
    ['an AWS temporary access key id', 'ASIAIOSFODNN7EXAMPLE', '[REDACTED:api_key]'],
    ['a bare AWS secret access key', 'aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here', '[REDACTED:api_key]'],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:api_key]'],
    ['a GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP', '[REDACTED:api_key]'],
    ['a Slack token', 'xoxb-1234567890-abcdefghij', '[REDACTED:api_key]'],
    ['a Google API key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', '[REDACTED:api_key]'],
    ['a Stripe live secret key', 'STRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dc', '[REDACTED:api_key]'],
    ['a Stripe restricted key', 'rk_test_51H8abcdefghijklmnopqrst', '[REDACTED:api_key]'],
    ['a Stripe webhook secret', 'whsec_abcdefghijklmnopqrstuvwxyz012345', '[REDACTED:api_key]'],
    ['a bearer token', 'Authorization: Bearer abcdefghijklmnop.qrstuv', '[REDACTED:bearer_token]'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '[REDACTED:jwt]'],
    ['a private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', '[REDACTED:private_key]'],
    ['a private key cut before its END line', 'x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '[REDACTED:private_key]'],
    ['credentials in a connection URL', 'DATABASE_URL=postgres://admin:s3cr3t!@db.internal:5432/prod', '[REDACTED:url_credentials]'],
    ['an e-mail address', 'write to jane.doe+x@example.co.uk please', '[REDACTED:email]'],
    ['a card number with spaces', 'card 4111 1111 1111 1111 exp 12/30', '[REDACTED:card_number]'],
    ['a card number with dashes', 'card 5500-0000-0000-0004', '[REDACTED:card_number]'],
    ['a card number with dots', 'card 4111.1111.1111.1111', '[REDACTED:card_number]'],
    ['a card number without separators', 'pan=378282246310005', '[REDACTED:card_number]'],
    ['a US SSN', 'SSN 123-45-6789 on file', '[REDACTED:ssn]'],
    ['a password assignment', 'password=hunter2hunter2', '[REDACTED:secret_assignment]'],
    ['a user pattern', 'ticket ACME-123456', '[REDACTED:custom_0]'],
    ['a key split by zero-width spaces', `sk-proj-abcd${ZWSP}efghijkl${ZWSP}mnop1234567890`, '[REDACTED:api_key]'],
    ['an AWS key split by a word joiner and a soft hyphen', 'AKIA\u2060IOSFODNN7\u00ADEXAMPLE', '[REDACTED:api_key]'],
    ['a card number split by zero-width joiners', '4111\u200D1111\u200D1111\u200D1111', '[REDACTED:card_number]'],
    ['an e-mail split by a BOM', `jane\uFEFF@example.com`, '[REDACTED:email]'],
  ])('redacts %s', (_what, input, placeholder) => {
    const out = r.redact(input);
    expect(out).toContain(placeholder);
  });

  it.each([
    ['a short sk- word', 'the sk-learn library'],
    ['a git SHA-1 (40 hex characters)', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it'],
    ['a 40-letter lower-case word run', 'abcdefghijabcdefghijabcdefghijabcdefghij'],
    ['a 41-character base64 run', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYX'],
    ['an AKIA prefix that is too short', 'AKIA1234'],
    ['a github_pat_ prefix alone', 'github_pat_short'],
    ['sk_live_ with too few characters', 'sk_live_abc'],
    ['a non-Luhn digit run', 'Order 1234 5678 9012 3456 shipped'],
    ['a version number with dots', 'upgrade to 4.1.11.1111.1111.111 today'],
    ['digits with mixed separators (a date and time)', '2024-01-15 10.30.00.123'],
    ['an IP address', 'host 192.168.100.200 port 8080'],
    ['an SSN-shaped number the SSA never issues', 'ref 000-12-3456 and 666-12-3456 and 123-00-4567'],
    ['a phone number', 'call 555-123-4567'],
    ['a word that merely mentions a password', 'reset your password please'],
    ['an @ without a domain', 'ping @jane on chat'],
    ['a URL without credentials', 'see https://example.com/a:b/c and postgres://db.internal:5432/prod'],
    ['prose and unicode', 'the sky is blue; 😀 ünïcödé'],
  ])('leaves %s alone', (_what, input) => {
    expect(r.redact(input)).toBe(input);
  });

  it('keeps zero-width joiners inside emoji, dropping only those hidden between visible ASCII characters', () => {
    const family = '👨\u200D👩\u200D👧';
    expect(normalizeInvisible(`hi ${family}`)).toBe(`hi ${family}`);
    expect(normalizeInvisible(`a${ZWSP}b ${family}`)).toBe(`ab ${family}`);
    expect(r.redact(`hi ${family}`)).toBe(`hi ${family}`);
  });

  it('gives a short string the same answer every time it comes back, within a bounded memory', () => {
    const fresh = () => new Redactor([/ACME-\d{6}/]);
    const short = ['user', 'a@b.io', 'ACME-123456', `sy${ZWSP}stem`, 'pass=hunter22x', 'stop'];
    const once = short.map((t) => fresh().redact(t));
    expect(once).toEqual(['user', '[REDACTED:email]', '[REDACTED:custom_0]', 'system', 'pass=hunter22x', 'stop']);
    const reused = new Redactor([/ACME-\d{6}/]);
    for (let round = 0; round < 3; round++) expect(short.map((t) => reused.redact(t))).toEqual(once);
    for (let i = 0; i < 2000; i++) expect(reused.redact(`id ${i} x@y.io`)).toBe(`id ${i} [REDACTED:email]`);
    expect((reused as unknown as { remembered: Map<string, string> }).remembered.size).toBeLessThanOrEqual(512);
    expect(short.map((t) => reused.redact(t))).toEqual(once);
  });

  it('redacts deep inside structures without mutating the input', () => {
    const input = { messages: [{ role: 'user', parts: [{ type: 'text', content: 'mail me at a@b.io' }] }] };
    const out = r.redactDeep(input) as typeof input;
    expect(out.messages[0]!.parts[0]!.content).toBe('mail me at [REDACTED:email]');
    expect(input.messages[0]!.parts[0]!.content).toBe('mail me at a@b.io');
  });
});
