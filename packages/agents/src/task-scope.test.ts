import { PassThrough } from 'node:stream';
import { onWardenEvent, PolicyDeniedError, setToolGuard, traceTool, withAgent, withTask, type PolicyDecisionEvidence } from '@warden/core';
import { createTestTracing, type TestTracing } from '@warden/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log';
import { createPolicyGuard } from './policy-guard';

let tracing: TestTracing;
const decisions: PolicyDecisionEvidence[] = [];
let off: () => void;
beforeAll(() => {
  tracing = createTestTracing();
  off = onWardenEvent((e) => {
    if (e.type === 'policy_decision') decisions.push(e);
  });
});
afterAll(async () => {
  off();
  await tracing.shutdown();
});
afterEach(() => {
  setToolGuard(undefined);
  decisions.length = 0;
});

const ran: string[] = [];
const tool = (name: string) => traceTool(name, async () => void ran.push(name));
const search = tool('search');
const sendEmail = tool('send_email');
const deleteAll = tool('delete_all');
const read = tool('read_file');
const write = tool('write_file');

const denial = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (PolicyDeniedError.isInstance(e) ? e.rule : `other: ${String(e)}`),
  );

describe('withTask narrows an agent policy for one task', () => {
  it('denies a tool the policy allows but the task does not, and records the scope with the decision', async () => {
    setToolGuard(createPolicyGuard([{ agent: 'assistant', mode: 'enforce', allowedTools: ['search', 'send_email'] }]));
    ran.length = 0;
    await withAgent({ name: 'assistant' }, () =>
      withTask({ id: 'summarise-ticket', allowedTools: ['search'] }, async () => {
        await search();
        expect(await denial(sendEmail())).toBe('task_scope');
      }),
    );
    await withAgent({ name: 'assistant' }, () => sendEmail()); // outside the task the policy alone applies
    expect(ran).toEqual(['search', 'send_email']);
    expect(decisions.map((d) => [d.tool, d.decision, d.rule, d.task?.id])).toEqual([
      ['search', 'allow', undefined, 'summarise-ticket'],
      ['send_email', 'deny', 'task_scope', 'summarise-ticket'],
      ['send_email', 'allow', undefined, undefined],
    ]);
    expect(decisions[1]!.task).toEqual({ id: 'summarise-ticket', allowedTools: ['search'] });
  });

  it('never widens: a task listing a tool the policy forbids does not make it allowed', async () => {
    setToolGuard(createPolicyGuard([{ agent: 'assistant', mode: 'enforce', allowedTools: ['search'] }]));
    await withAgent({ name: 'assistant' }, () =>
      withTask({ allowedTools: ['search', 'delete_all'] }, async () => {
        expect(await denial(deleteAll())).toBe('tool_not_allowed');
      }),
    );
  });

  it('a nested task is checked against the enclosing one', async () => {
    setToolGuard(createPolicyGuard([{ agent: 'assistant', mode: 'enforce', allowedTools: ['*'] }]));
    ran.length = 0;
    await withAgent({ name: 'assistant' }, () =>
      withTask({ id: 'outer', allowedTools: ['search', 'read_file'] }, () =>
        withTask({ id: 'inner', allowedTools: ['read_file', 'write_file'] }, async () => {
          await read();
          expect(await denial(write())).toBe('task_scope');
          expect(await denial(search())).toBe('task_scope');
        }),
      ),
    );
    expect(ran).toEqual(['read_file']);
    expect(decisions.at(-1)!.task).toMatchObject({ id: 'inner', within: 'outer' });
  });

  it('expires after ttlMs', async () => {
    setToolGuard(createPolicyGuard([{ agent: 'assistant', mode: 'enforce', allowedTools: ['search'] }]));
    await withAgent({ name: 'assistant' }, () =>
      withTask({ allowedTools: ['search'], ttlMs: 1 }, async () => {
        await new Promise((r) => setTimeout(r, 10));
        expect(await denial(search())).toBe('task_expired');
      }),
    );
  });

  it('holds without any policy installed, and for an agent without a policy', async () => {
    expect(await denial(withTask({ allowedTools: ['search'] }, () => sendEmail()))).toBe('task_scope');
    setToolGuard(createPolicyGuard([{ agent: 'other', mode: 'enforce', allowedTools: ['search'] }]));
    expect(await denial(withAgent({ name: 'assistant' }, () => withTask({ allowedTools: ['search'] }, () => sendEmail())))).toBe('task_scope');
  });

  it('the audit log records the task scope with each decision', async () => {
    setToolGuard(createPolicyGuard([{ agent: 'assistant', mode: 'audit', allowedTools: ['search', 'send_email'] }]));
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
    const log = new AuditLog({ destination: out });
    await withAgent({ name: 'assistant' }, () => withTask({ id: 't-1', allowedTools: ['search'] }, () => sendEmail()));
    await log.close();
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.type === 'policy_decision');
    expect(entry).toMatchObject({ decision: 'audit_deny', rule: 'task_scope', task: { id: 't-1', allowedTools: ['search'] } });
  });

  it('rejects malformed options with the field named', () => {
    expect(() => withTask({ allowedTools: 'search' } as never, () => 1)).toThrow(/allowedTools: expected an array/);
    expect(() => withTask({ allowedTools: [''] }, () => 1)).toThrow(/allowedTools\[0\]: expected a non-empty string/);
    expect(() => withTask({ allowedTools: [], ttlMs: -5 }, () => 1)).toThrow(/ttlMs: expected a positive integer/);
    expect(() => withTask(null as never, () => 1)).toThrow(/expected an object/);
  });
});
