import { isAbsolute, resolve, sep } from 'node:path';
import {
  controlsForKind,
  PolicyDeniedError,
  type Alert,
  type PolicyDecisionEvidence,
  type Severity,
  type ToolCallCheck,
  type ToolGuard,
  type ToolGuardDecision,
} from '@warden/core';
import {
  activeDrill,
  taskEvidence,
  taskScopeViolation,
  newAlertId,
  publishAlert,
  publishWardenEvent,
  reportInternalError,
  safely,
  violationDecision,
} from '@warden/core/internal';
import { parsePolicies, type ApprovalHook, type ArgRule, type ArgumentSchema, type Policy, type PolicyInput } from './policy';

/** Why a call was denied; the first five are also PolicyDeniedError.rule values. */
export type PolicyRule =
  | 'tool_not_allowed'
  | 'mcp_server_not_allowed'
  | 'argument'
  | 'approval_denied'
  | 'approval_failed'
  /** audit mode: the call would have waited for a human approval. */
  | 'approval_required'
  /** the tool is outside the active withTask() scope, or the task's ttl has passed. */
  | 'task_scope'
  | 'task_expired';

export interface PolicyGuardOptions {
  /** Approval hook for policies that declare `requireApproval` without their own `approve`. */
  approve?: ApprovalHook;
  /** Every decision, also published on the core event bus as `policy_decision`. */
  onDecision?: (decision: PolicyDecisionEvidence) => void;
  /** Clock for decision and alert times (tests, replays). */
  now?: () => number;
  /** How many distinct agents without a policy to remember. */
  maxUncoveredAgents?: number;
  /**
   * One policy_violation alert per agent·tool·rule within this window (default 10 minutes):
   * a model that keeps asking for a denied tool must not flood the pager. Every decision is
   * still published (audit log, posture); the next alert says how many were folded into it.
   */
  alertCooldownMs?: number;
}

const MAX_ALERT_KEYS = 1000;

export interface PolicyGuardStats {
  checks: number;
  allowed: number;
  denied: number;
  auditViolations: number;
  approved: number;
  requestedViolations: number;
  uncoveredCalls: number;
}

/** The ToolGuard monitor() installs with `setToolGuard`, plus what posture needs to know. */
export interface PolicyGuard extends ToolGuard {
  observeRequested(call: ToolCallCheck): void;
  /** Agents that called tools without any policy (least privilege not yet covering them). */
  uncoveredAgents(): string[];
  stats(): PolicyGuardStats;
  readonly policies: readonly Policy[];
}

type ToolMatcher = (tool: string) => boolean;
type ArgCheck = (args: unknown) => string | undefined;

interface CompiledPolicy {
  policy: Policy;
  allowsTool: ToolMatcher;
  needsApproval: ToolMatcher;
  allowedServers: ReadonlySet<string>;
  argChecks: Map<string, ArgCheck>;
}

interface Violation {
  rule: PolicyRule;
  reason: string;
}

function toolMatcher(patterns: readonly string[]): ToolMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  let any = false;
  for (const p of patterns) {
    if (p === '*') any = true;
    else if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  if (any) return () => true;
  if (prefixes.length === 0) return (tool) => exact.has(tool);
  return (tool) => exact.has(tool) || prefixes.some((p) => tool.startsWith(p));
}

function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One argument rule as a check returning why it failed, or undefined. */
function ruleCheck(name: string, rule: ArgRule): (value: unknown) => string | undefined {
  const root = rule.under === undefined ? undefined : resolve(rule.under);
  const rootPrefix = root === undefined ? undefined : root.endsWith(sep) ? root : root + sep;
  const pattern = rule.pattern === undefined ? undefined : new RegExp(rule.pattern);
  const oneOf = rule.oneOf === undefined ? undefined : new Set<unknown>(rule.oneOf);
  return (value) => {
    if (value === undefined || value === null) return rule.required ? `argument "${name}" is required` : undefined;
    if (root !== undefined && rootPrefix !== undefined) {
      if (typeof value !== 'string' || value.includes('\0')) return `argument "${name}" must be a path string`;
      // Resolve `..` and `.` first, so /srv/data/../etc cannot pass as "under /srv/data".
      const target = isAbsolute(value) ? resolve(value) : resolve(root, value);
      if (target !== root && !target.startsWith(rootPrefix)) return `argument "${name}" resolves to ${describe(target)}, outside ${describe(root)}`;
    }
    if (rule.min !== undefined || rule.max !== undefined) {
      if (typeof value !== 'number' || Number.isNaN(value)) return `argument "${name}" must be a number, got ${describe(value)}`;
      if (rule.min !== undefined && value < rule.min) return `argument "${name}" is ${value}, below the minimum ${rule.min}`;
      if (rule.max !== undefined && value > rule.max) return `argument "${name}" is ${value}, above the maximum ${rule.max}`;
    }
    if (pattern) {
      if (typeof value !== 'string') return `argument "${name}" must be a string, got ${describe(value)}`;
      pattern.lastIndex = 0;
      if (!pattern.test(value)) return `argument "${name}" ${describe(value)} does not match /${pattern.source}/`;
    }
    if (oneOf && !oneOf.has(value)) return `argument "${name}" is ${describe(value)}, not one of ${describe(JSON.stringify([...oneOf]))}`;
    if (rule.maxLength !== undefined) {
      const len = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
      if (len === undefined) return `argument "${name}" must be a string or an array, got ${describe(value)}`;
      if (len > rule.maxLength) return `argument "${name}" has length ${len}, above the maximum ${rule.maxLength}`;
    }
    return undefined;
  };
}

function compileArgs(spec: ArgumentSchema | Record<string, ArgRule>): ArgCheck {
  if (typeof (spec as Partial<ArgumentSchema>).safeParse === 'function') {
    const schema = spec as ArgumentSchema;
    return (args) => {
      const r = schema.safeParse(args);
      if (r.success) return undefined;
      const issue = r.error?.issues?.[0];
      if (!issue) return 'arguments do not match the schema';
      const at = issue.path.length ? `argument "${issue.path.map(String).join('.')}"` : 'arguments';
      return `${at}: ${issue.message}`;
    };
  }
  const checks = Object.entries(spec as Record<string, ArgRule>).map(([name, rule]) => [name, ruleCheck(name, rule)] as const);
  return (args) => {
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
      return `arguments must be an object with named arguments, got ${describe(Array.isArray(args) ? 'an array' : args)}`;
    const record = (args ?? {}) as Record<string, unknown>;
    for (const [name, check] of checks) {
      const why = check(record[name]);
      if (why) return why;
    }
    return undefined;
  };
}

function compile(policy: Policy): CompiledPolicy {
  const argChecks = new Map<string, ArgCheck>();
  for (const [tool, spec] of Object.entries(policy.args)) argChecks.set(tool, compileArgs(spec));
  return {
    policy,
    allowsTool: toolMatcher(policy.allowedTools),
    needsApproval: toolMatcher(policy.requireApproval),
    allowedServers: new Set(policy.allowedMcpServers),
    argChecks,
  };
}

function evaluate(p: CompiledPolicy, call: ToolCallCheck): Violation | undefined {
  // A tool needing approval is allowed to be asked for, even if not in allowedTools.
  if (!p.allowsTool(call.tool) && !p.needsApproval(call.tool)) return { rule: 'tool_not_allowed', reason: `tool "${call.tool}" is not in allowedTools` };
  if (call.mcpServer !== undefined && !p.allowedServers.has(call.mcpServer))
    return { rule: 'mcp_server_not_allowed', reason: `MCP server "${call.mcpServer}" is not in allowedMcpServers` };
  const argCheck = p.argChecks.get(call.tool);
  if (argCheck) {
    let why: string | undefined;
    try {
      why = argCheck(call.arguments);
    } catch (e) {
      // A schema that cannot run (e.g. async refinements) must not let the call through.
      reportInternalError('agents.policy.args', e);
      why = `argument check failed: ${(e as Error)?.message ?? String(e)}`;
    }
    if (why) return { rule: 'argument', reason: why };
  }
  return undefined;
}

class TimeoutError extends Error {}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const SEVERITY: Record<'enforce' | 'audit' | 'requested', Severity> = { enforce: 'high', audit: 'medium', requested: 'medium' };

/**
 * Least privilege per agent identity: a ToolGuard that checks each tool call against the
 * agent's policy (deny by default when one exists), asks for human approval where
 * required, publishes every decision and raises a `policy_violation` alert on each
 * violation. `enforce` policies deny with a PolicyDeniedError; `audit` policies only report.
 */
export function createPolicyGuard(policies: readonly (PolicyInput | Policy)[], options: PolicyGuardOptions = {}): PolicyGuard {
  const parsed = parsePolicies(policies);
  const byAgent = new Map<string, CompiledPolicy>();
  for (const p of parsed) byAgent.set(p.agent, compile(p));
  const fallback = byAgent.get('*');
  const now = options.now ?? Date.now;
  const maxUncovered = options.maxUncoveredAgents ?? 1000;
  const uncovered = new Set<string>();
  const stats: PolicyGuardStats = { checks: 0, allowed: 0, denied: 0, auditViolations: 0, approved: 0, requestedViolations: 0, uncoveredCalls: 0 };
  const cooldownMs = options.alertCooldownMs ?? 10 * 60_000;
  // agent·tool·rule·how → when the last alert went out, and violations folded since.
  const lastAlert = new Map<string, { time: number; folded: number }>();

  const raise = (call: ToolCallCheck, v: Violation, how: 'enforce' | 'audit' | 'requested', time: number): void => {
    // A drill must see its alert every run, and must not use up a real agent's cooldown.
    if (activeDrill()) return publishAlert(alertFor(call, v, how, time));
    const key = `${call.agent?.name ?? ''}\u0000${call.tool}\u0000${v.rule}\u0000${how}`;
    const last = lastAlert.get(key);
    if (last && time - last.time < cooldownMs) {
      last.folded++;
      return;
    }
    const alert = alertFor(call, v, how, time);
    if (last?.folded) alert.current = { violationsSinceLastAlert: last.folded + 1 };
    lastAlert.delete(key);
    if (lastAlert.size >= MAX_ALERT_KEYS) lastAlert.delete(lastAlert.keys().next().value as string);
    lastAlert.set(key, { time, folded: 0 });
    publishAlert(alert);
  };

  const policyFor = (agent: string | undefined): CompiledPolicy | undefined => (agent !== undefined ? byAgent.get(agent) : undefined) ?? fallback;

  const publish = (d: PolicyDecisionEvidence): void => {
    publishWardenEvent(d);
    if (options.onDecision) safely('agents.policy.onDecision', () => options.onDecision?.(d));
  };

  const decisionOf = (
    call: ToolCallCheck,
    mode: 'audit' | 'enforce',
    decision: PolicyDecisionEvidence['decision'],
    time: number,
    v?: { rule: string; reason: string },
  ): PolicyDecisionEvidence => {
    const d: PolicyDecisionEvidence = { type: 'policy_decision', time: new Date(time).toISOString(), tool: call.tool, source: call.source, mode, decision };
    if (call.agent?.name !== undefined) d.agent = call.agent.name;
    if (v) {
      d.rule = v.rule;
      d.reason = v.reason;
    }
    if (call.traceId) d.traceId = call.traceId;
    const task = taskEvidence(call.task);
    if (task) d.task = task;
    return d;
  };

  const alertFor = (call: ToolCallCheck, v: Violation, how: 'enforce' | 'audit' | 'requested', time: number): Alert => {
    const who = call.agent?.name ? `Agent "${call.agent.name}"` : 'An agent';
    const outcome = how === 'enforce' ? 'the call was blocked' : how === 'audit' ? 'audit mode: the call ran' : 'the model requested it; not blocked here';
    const alert: Alert = {
      id: newAlertId(time),
      kind: 'policy_violation',
      severity: SEVERITY[how],
      detector: `policy.${v.rule}`,
      subject: { tool: call.tool },
      message: `${who} ${how === 'requested' ? 'was asked to call' : 'called'} tool "${call.tool}" against its policy (${v.reason}); ${outcome}.`,
      score: 1,
      threshold: 1,
      traceIds: call.traceId ? [call.traceId] : [],
      controls: controlsForKind('policy_violation'),
      time: new Date(time).toISOString(),
    };
    if (call.agent?.name) alert.subject.agent = call.agent.name;
    if (call.agent?.conversationId) alert.subject.conversationId = call.agent.conversationId;
    if (call.mcpServer) alert.subject.mcpServer = call.mcpServer;
    return alert;
  };

  const violate = (call: ToolCallCheck, p: CompiledPolicy | undefined, v: Violation, time: number): ToolGuardDecision => {
    // A task scope without a policy for the agent is still enforced: withTask only ever narrows.
    const mode = p?.policy.mode ?? 'enforce';
    publish(decisionOf(call, mode, v.rule === 'approval_denied' ? 'approval_denied' : violationDecision(mode), time, v));
    raise(call, v, mode, time);
    if (mode === 'audit') {
      stats.auditViolations++;
      return { allowed: false, rule: v.rule, reason: v.reason };
    }
    stats.denied++;
    const error = new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: v.rule, reason: v.reason });
    return { allowed: false, error, rule: v.rule, reason: v.reason };
  };

  const noteUncovered = (call: ToolCallCheck): void => {
    if (activeDrill()) return;
    stats.uncoveredCalls++;
    const name = call.agent?.name ?? '(no agent)';
    if (uncovered.size < maxUncovered) uncovered.add(name);
  };

  const askApproval = async (call: ToolCallCheck, p: CompiledPolicy, time: number): Promise<ToolGuardDecision> => {
    const hook = p.policy.approve ?? options.approve;
    if (!hook) return violate(call, p, { rule: 'approval_failed', reason: `tool "${call.tool}" needs approval and no approval hook is configured` }, time);
    const request: ApprovalRequest = { tool: call.tool, source: call.source };
    if (call.agent?.name !== undefined) request.agent = call.agent.name;
    if (call.arguments !== undefined) request.arguments = call.arguments;
    if (call.mcpServer !== undefined) request.mcpServer = call.mcpServer;
    if (call.callId !== undefined) request.callId = call.callId;
    if (call.traceId !== undefined) request.traceId = call.traceId;
    let answer: unknown;
    try {
      answer = await withTimeout(
        Promise.resolve().then(() => hook(request)),
        p.policy.approvalTimeoutMs,
      );
    } catch (e) {
      if (e instanceof TimeoutError) return violate(call, p, { rule: 'approval_failed', reason: `approval for "${call.tool}" timed out: ${e.message}` }, now());
      reportInternalError('agents.policy.approve', e);
      return violate(call, p, { rule: 'approval_failed', reason: `approval hook failed: ${(e as Error)?.message ?? String(e)}` }, now());
    }
    if (answer !== true) return violate(call, p, { rule: 'approval_denied', reason: `a person denied "${call.tool}"` }, now());
    stats.approved++;
    stats.allowed++;
    publish(decisionOf(call, p.policy.mode, 'approved', now()));
    return { allowed: true, rule: 'approval', reason: 'approved' };
  };

  return {
    policies: parsed,
    async check(call: ToolCallCheck): Promise<ToolGuardDecision> {
      stats.checks++;
      const time = now();
      const p = policyFor(call.agent?.name);
      const outOfTask = taskScopeViolation(call.task, call.tool, time);
      if (!p) {
        if (outOfTask) return violate(call, undefined, outOfTask, time);
        noteUncovered(call);
        stats.allowed++;
        publish(decisionOf(call, 'audit', 'allow', time, { rule: 'no_policy', reason: 'no policy covers this agent' }));
        return { allowed: true, rule: 'no_policy' };
      }
      const v = evaluate(p, call) ?? outOfTask;
      if (v) return violate(call, p, v, time);
      if (p.needsApproval(call.tool)) {
        if (p.policy.mode === 'audit') return violate(call, p, { rule: 'approval_required', reason: `tool "${call.tool}" requires a human approval` }, time);
        return askApproval(call, p, time);
      }
      stats.allowed++;
      publish(decisionOf(call, p.policy.mode, 'allow', time));
      return { allowed: true };
    },
    observeRequested(call: ToolCallCheck): void {
      safely('agents.policy.observeRequested', () => {
        const time = now();
        const p = policyFor(call.agent?.name);
        if (!p) return;
        const v = evaluate(p, call);
        publish(decisionOf(call, p.policy.mode, v ? violationDecision(p.policy.mode) : 'allow', time, v));
        if (!v) return;
        stats.requestedViolations++;
        raise(call, v, 'requested', time);
      });
    },
    uncoveredAgents: () => [...uncovered],
    stats: () => ({ ...stats }),
  };
}

type ApprovalRequest = Parameters<ApprovalHook>[0];
