/**
 * Scoped permissions per task: `withTask({ allowedTools, ttlMs }, fn)` narrows what tools may
 * run inside `fn` (through await, in async context) for one task. It can only narrow: a
 * nested task is checked against every enclosing one, and the agent's own policy still
 * applies on top. Policies see the scope in ToolCallCheck.task; decisions record it.
 */
import { randomUUID } from 'node:crypto';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { WardenConfigError } from './errors';

export interface TaskScope {
  /** Evidence id of the task (given, or generated). */
  id: string;
  /** Tool names the task may call: exact, a prefix ending in `*`, or `*`. */
  allowedTools: readonly string[];
  /** Milliseconds since the epoch after which no tool may run in this task. */
  expiresAt?: number;
  /** The enclosing task: a call must pass it too (a nested task never widens). */
  parent?: TaskScope;
}

export interface WithTaskOptions {
  allowedTools: string[];
  /** The task's permissions lapse this many ms after it starts. */
  ttlMs?: number;
  id?: string;
}

const TASK_KEY = createContextKey('warden.task');

export function getActiveTask(ctx: Context = context.active()): TaskScope | undefined {
  return ctx.getValue(TASK_KEY) as TaskScope | undefined;
}

function validate(options: unknown): WithTaskOptions {
  const o = options as Partial<WithTaskOptions> | null;
  const bad = (path: string, message: string) => new WardenConfigError(`Invalid withTask() options: ${path}: ${message}`, [{ path, message }]);
  if (typeof o !== 'object' || o === null) throw bad('(root)', 'expected an object { allowedTools, ttlMs? }');
  if (!Array.isArray(o.allowedTools)) throw bad('allowedTools', 'expected an array of tool names');
  o.allowedTools.forEach((t, i) => {
    if (typeof t !== 'string' || t.length === 0) throw bad(`allowedTools[${i}]`, 'expected a non-empty string');
  });
  if (o.ttlMs !== undefined && (typeof o.ttlMs !== 'number' || !Number.isInteger(o.ttlMs) || o.ttlMs <= 0)) throw bad('ttlMs', 'expected a positive integer');
  if (o.id !== undefined && (typeof o.id !== 'string' || o.id.length === 0)) throw bad('id', 'expected a non-empty string');
  return o as WithTaskOptions;
}

/** Run `fn` as one task that may call only `allowedTools`, for at most `ttlMs`. Returns what `fn` returns. */
export function withTask<T>(options: WithTaskOptions, fn: () => T): T {
  const o = validate(options);
  const parent = getActiveTask();
  const scope: TaskScope = { id: o.id ?? `task_${randomUUID()}`, allowedTools: [...o.allowedTools] };
  if (o.ttlMs !== undefined) scope.expiresAt = Date.now() + o.ttlMs;
  if (parent) scope.parent = parent;
  return context.with(context.active().setValue(TASK_KEY, scope), fn);
}

function allows(patterns: readonly string[], tool: string): boolean {
  return patterns.some((p) => p === '*' || p === tool || (p.endsWith('*') && tool.startsWith(p.slice(0, -1))));
}

/** Why `tool` may not run under `task` at `now` (this scope or an enclosing one), or undefined. */
export function taskScopeViolation(
  task: TaskScope | undefined,
  tool: string,
  now: number,
): { rule: 'task_scope' | 'task_expired'; reason: string } | undefined {
  for (let t = task; t; t = t.parent) {
    if (t.expiresAt !== undefined && now > t.expiresAt) return { rule: 'task_expired', reason: `task ${t.id} expired ${now - t.expiresAt} ms ago` };
    if (!allows(t.allowedTools, tool))
      return { rule: 'task_scope', reason: `tool "${tool}" is outside the scope of task ${t.id} (${t.allowedTools.join(', ') || 'no tools'})` };
  }
  return undefined;
}

/** The task scope as evidence (audit log, decisions): id, tools and expiry, innermost first. */
export function taskEvidence(task: TaskScope | undefined): { id: string; allowedTools: string[]; expiresAt?: string; within?: string } | undefined {
  if (!task) return undefined;
  const out: { id: string; allowedTools: string[]; expiresAt?: string; within?: string } = { id: task.id, allowedTools: [...task.allowedTools] };
  if (task.expiresAt !== undefined) out.expiresAt = new Date(task.expiresAt).toISOString();
  if (task.parent) out.within = task.parent.id;
  return out;
}
