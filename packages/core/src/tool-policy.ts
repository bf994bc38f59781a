/**
 * The one policy path: every integration that runs a tool (traceTool, the LangChain handler,
 * the MCP wrapper) asks the installed ToolGuard through `enforceToolPolicy`, and every one
 * that sees a model request tools reports them through `observeRequestedTools`, so a
 * decision is checked, recorded and named the same way wherever the tool runs.
 */
import { context, type Context, type Span } from '@opentelemetry/api';
import type { AgentIdentity } from './agent-context';
import { PolicyDeniedError } from './errors';
import { publishWardenEvent } from './events';
import { getToolGuard, type ToolCallCheck, type ToolGuardDecision } from './guard';
import { getActiveTask, taskEvidence, taskScopeViolation } from './task-scope';
import type { RequestedToolCall } from './model-call-span';
import { reportInternalError, safely } from './registry';
import { ATTR_WARDEN_POLICY_DECISION, ATTR_WARDEN_POLICY_RULE } from './semconv';

/**
 * What a policy decided about one tool call: the value of `warden.policy.decision` on the
 * tool's span and of `decision` in policy_decision evidence (and so in the audit log).
 * `audit_deny` is a violation of an audit-mode policy: recorded, the call ran.
 */
export type PolicyDecision = 'allow' | 'deny' | 'audit_deny' | 'approved' | 'approval_denied';

export const POLICY_DECISIONS: readonly PolicyDecision[] = ['allow', 'deny', 'audit_deny', 'approved', 'approval_denied'];

/** A policy's mode: `enforce` refuses violating calls, `audit` records them and lets them run. */
export type PolicyMode = 'audit' | 'enforce';

/** The decision a violation gets in `mode`: refused (`deny`) or only recorded (`audit_deny`). */
export function violationDecision(mode: PolicyMode): 'deny' | 'audit_deny' {
  return mode === 'audit' ? 'audit_deny' : 'deny';
}

/** The span's decision for a guard's answer: a refusal carries the error to throw; a violation without one is audit mode. */
export function policyDecisionOf(decision: ToolGuardDecision): PolicyDecision {
  if (decision.error) return 'deny';
  return decision.allowed ? 'allow' : 'audit_deny';
}

/** Writes a guard's answer on the tool's span (warden.policy.decision and .rule). */
export function recordPolicyDecision(span: Span, decision: ToolGuardDecision): void {
  safely('core.recordPolicyDecision', () => {
    span.setAttribute(ATTR_WARDEN_POLICY_DECISION, policyDecisionOf(decision));
    if (decision.rule) span.setAttribute(ATTR_WARDEN_POLICY_RULE, decision.rule);
  });
}

/**
 * Asks the installed ToolGuard about a tool call about to run (inside `ctx` when given, so
 * an approval hook sees the tool's span), records the answer on `span`, and returns it.
 * A decision with an `error` means the tool must not run: the caller ends its span with
 * that error and throws it. No guard installed, or a guard that throws (Warden's failure,
 * reported), gives undefined: the tool runs.
 */
export async function enforceToolPolicy(call: ToolCallCheck, span?: Span, ctx?: Context): Promise<ToolGuardDecision | undefined> {
  const task = call.task ?? getActiveTask(ctx ?? context.active());
  if (task) call.task = task;
  const guard = getToolGuard();
  if (!guard) {
    // No policies installed: a task scope still holds (withTask narrows, it never depends on a policy).
    const v = task ? taskScopeViolation(task, call.tool, Date.now()) : undefined;
    if (!v) return undefined;
    const decision: ToolGuardDecision = {
      allowed: false,
      rule: v.rule,
      reason: v.reason,
      error: new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: v.rule, reason: v.reason }),
    };
    publishWardenEvent({
      type: 'policy_decision',
      time: new Date().toISOString(),
      tool: call.tool,
      source: call.source,
      mode: 'enforce',
      decision: 'deny',
      rule: v.rule,
      reason: v.reason,
      ...(call.agent?.name !== undefined ? { agent: call.agent.name } : {}),
      ...(call.traceId ? { traceId: call.traceId } : {}),
      task: taskEvidence(task),
    });
    if (span) recordPolicyDecision(span, decision);
    return decision;
  }
  let decision: ToolGuardDecision | undefined;
  try {
    decision = await (ctx ? context.with(ctx, () => guard.check(call)) : guard.check(call));
  } catch (e) {
    reportInternalError('core.enforceToolPolicy', e);
    return undefined;
  }
  if (!decision) return undefined;
  if (span) recordPolicyDecision(span, decision);
  return decision;
}

/**
 * Reports the tools a model asked for to the guard (record-only: a requested call is never
 * blocked here, the call that runs it is). Each report is guarded on its own.
 */
export function observeRequestedTools(toolCalls: readonly RequestedToolCall[] | undefined, agent: AgentIdentity | undefined, traceId?: string): void {
  if (!toolCalls?.length) return;
  const guard = getToolGuard();
  if (!guard?.observeRequested) return;
  for (const t of toolCalls) {
    const call: ToolCallCheck = { tool: t.name, agent, arguments: t.arguments, source: 'model', callId: t.id };
    if (traceId) call.traceId = traceId;
    safely('core.observeRequestedTools', () => guard.observeRequested?.(call));
  }
}
