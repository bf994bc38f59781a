import { propagation } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  extractAgentContext,
  HandoffRefusedError,
  injectAgentContext,
  onWardenEvent,
  traceAgent,
  withAgent,
  ATTR_WARDEN_HANDOFF_IDENTITY,
  type Alert,
} from '@warden/core';
import { setHandoffAuthority } from '@warden/core/internal';
import { createTestTracing, type TestTracing } from '@warden/testing';
import { context } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentKeySet, generateAgentKeySet, publicAgentKeySet } from './agent-keys';
import { createHandoffAuthority } from './handoff-authority';

let tracing: TestTracing;
const alerts: Alert[] = [];
let unsubscribe: () => void;
const file = generateAgentKeySet(['planner', 'billing']);
const keys = AgentKeySet.parse(file);

beforeAll(() => {
  tracing = createTestTracing();
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  unsubscribe = onWardenEvent((e) => {
    if (e.type === 'alert') alerts.push(e.alert);
  });
});
afterAll(async () => {
  unsubscribe();
  propagation.disable();
  await tracing.shutdown();
});
afterEach(() => {
  setHandoffAuthority(undefined);
  alerts.length = 0;
  tracing.reset();
});

const identityOf = (name: string) => tracing.spans().find((s) => s.name === `invoke_agent ${name}`)?.attributes[ATTR_WARDEN_HANDOFF_IDENTITY];

describe('signed hand-offs in process', () => {
  it('verifies a hand-off between two traced agents and raises nothing', async () => {
    setHandoffAuthority(createHandoffAuthority(keys, { mode: 'enforce' }));
    const billing = traceAgent('billing', async () => 'paid');
    const planner = traceAgent('planner', async () => billing());
    await expect(planner()).resolves.toBe('paid');
    expect(identityOf('billing')).toBe('verified');
    expect(alerts).toEqual([]);
  });

  it('refuses, in enforce mode, a hand-off from a name claimed with withAgent (it cannot sign), before the callee runs', async () => {
    setHandoffAuthority(createHandoffAuthority(keys, { mode: 'enforce' }));
    let ran = false;
    const billing = traceAgent('billing', () => {
      ran = true;
      return 'paid';
    });
    expect(() => withAgent({ name: 'planner' }, () => billing())).toThrow(HandoffRefusedError);
    expect(ran).toBe(false);
    expect(identityOf('billing')).toBe('unsigned');
    expect(alerts.map((a) => [a.kind, a.detector])).toEqual([['agent_anomaly', 'identity.unsigned_handoff']]);
  });

  it('lets the same hand-off run in audit mode and alerts once per cooldown', async () => {
    setHandoffAuthority(createHandoffAuthority(keys, { mode: 'audit' }));
    const billing = traceAgent('billing', () => 'paid');
    expect(withAgent({ name: 'planner' }, () => billing())).toBe('paid');
    expect(withAgent({ name: 'planner' }, () => billing())).toBe('paid');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.controls).toEqual(['L3.runtime-monitoring', 'L3.agent-audit']);
  });

  it('cannot sign for an agent whose private key this process does not hold', async () => {
    setHandoffAuthority(createHandoffAuthority(AgentKeySet.parse(publicAgentKeySet(file)), { mode: 'audit' }));
    const billing = traceAgent('billing', async () => 'paid');
    await traceAgent('planner', async () => billing())();
    expect(identityOf('billing')).toBe('unsigned');
  });
});

describe('signed hand-offs over the wire (baggage)', () => {
  const callOver = async (mutate: (headers: Record<string, string>) => void, callee = 'billing') => {
    const headers: Record<string, string> = {};
    await traceAgent('planner', async () => {
      injectAgentContext(headers, { callee });
    })();
    mutate(headers);
    const billing = traceAgent('billing', async () => 'paid');
    return context.with(extractAgentContext(headers), () => billing());
  };

  it('verifies a signed header', async () => {
    setHandoffAuthority(createHandoffAuthority(keys, { mode: 'enforce' }));
    await expect(callOver(() => undefined)).resolves.toBe('paid');
    expect(identityOf('billing')).toBe('verified');
  });

  it('refuses a forged signature, one signed for another callee, and a missing one', async () => {
    setHandoffAuthority(createHandoffAuthority(keys, { mode: 'enforce' }));
    const forge = (h: Record<string, string>) => {
      h.baggage = h.baggage!.replace(
        /warden\.handoff\.signature=(\d+)\.([A-Za-z0-9_-]+)/,
        (_m, t: string, sig: string) => `warden.handoff.signature=${t}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`,
      );
    };
    await expect(callOver(forge)).rejects.toMatchObject({ name: 'HandoffRefusedError', verdict: 'forged' });
    await expect(callOver(() => undefined, 'someone-else')).rejects.toMatchObject({ verdict: 'forged' });
    await expect(callOver((h) => (h.baggage = h.baggage!.replace(/,?warden\.handoff\.signature=[^,]*/, '')))).rejects.toMatchObject({ verdict: 'unsigned' });
    expect(alerts.map((a) => a.detector).sort()).toEqual(['identity.forged_handoff', 'identity.unsigned_handoff']);
  });

  it('checks age, trace, caller and token shape', () => {
    const authority = createHandoffAuthority(keys, { mode: 'enforce', maxAgeMs: 1000 });
    const token = authority.sign({ caller: 'planner', callee: 'billing', traceId: 'a'.repeat(32), time: 1_000 });
    expect(authority.verify({ caller: 'planner', callee: 'billing', traceId: 'a'.repeat(32) }, token, 10_000).verdict).toBe('expired');
    expect(authority.verify({ caller: 'planner', callee: 'billing', traceId: 'a'.repeat(32) }, token, 1_500).verdict).toBe('verified');
    expect(authority.verify({ caller: 'planner', callee: 'billing', traceId: 'b'.repeat(32) }, token, 1_500).verdict).toBe('forged');
    expect(authority.verify({ caller: 'ghost', callee: 'billing', traceId: 'a'.repeat(32) }, token, 1_500).verdict).toBe('unknown_caller');
    for (const bad of ['', 'x', '12', '.abc', '-5.abc', `1000.${'!'.repeat(86)}`, `1000.${token!.split('.')[1]!.slice(1)}`])
      expect(authority.verify({ caller: 'planner', callee: 'billing', traceId: 'a'.repeat(32) }, bad, 1_500).verdict).not.toBe('verified');
  });
});

describe('key set validation names the bad field', () => {
  const pub = file.agents.planner!.publicKey;
  const priv = file.agents.planner!.privateKey!;
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'keys', /expected object/],
    ['wrong version', { version: 2, agents: {} }, /version/],
    ['agents missing', { version: 1 }, /agents/],
    ['empty agent name', { version: 1, agents: { '': { publicKey: pub } } }, /agent name/],
    ['public key missing', { version: 1, agents: { a: {} } }, /agents\.a\.publicKey/],
    ['public key not PEM', { version: 1, agents: { a: { publicKey: 'abc' } } }, /agents\["a"\]\.publicKey: expected an Ed25519 public key in PEM/],
    [
      'public key garbage PEM',
      { version: 1, agents: { a: { publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' } } },
      /not a readable public key/,
    ],
    ['private key given as public', { version: 1, agents: { a: { publicKey: priv } } }, /expected an Ed25519 public key/],
    ['private key not PEM', { version: 1, agents: { a: { publicKey: pub, privateKey: 'x' } } }, /agents\["a"\]\.privateKey: expected an Ed25519 private key/],
    [
      'private key of another agent',
      { version: 1, agents: { a: { publicKey: pub, privateKey: file.agents.billing!.privateKey } } },
      /does not belong to the publicKey/,
    ],
    ['unknown field', { version: 1, agents: { a: { publicKey: pub, secret: 1 } } }, /secret/],
  ];
  for (const [name, input, message] of cases)
    it(name, () => {
      expect(() => AgentKeySet.parse(input)).toThrow(message);
    });

  it('rejects an RSA key with a clear message', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => AgentKeySet.parse({ version: 1, agents: { a: { publicKey: rsa } } })).toThrow(/expected an Ed25519 key, got rsa key/);
  });
});
