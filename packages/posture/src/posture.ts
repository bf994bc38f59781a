/**
 * From ledger figures to control statuses, self-assessment answers and a maturity level.
 * Every rule is written out below so an auditor can read exactly what "met" means; when a
 * figure is missing the rule fails towards the lower status, never the higher one.
 */
import { CONTROL_IDS, type ControlId } from '@warden/core';
import type { LedgerSnapshot } from './ledger';

/** not_applicable: nothing to assess (e.g. no MCP server was ever seen); never counted as met evidence. */
export type ControlStatus = 'met' | 'partial' | 'not_met' | 'not_applicable';

export interface ControlAssessment {
  status: ControlStatus;
  /** The figures the status was decided on. */
  evidence: Record<string, number | string>;
  /** What to do to meet it (absent when met). */
  next?: string;
}

export interface SelfAssessmentAnswer {
  question: string;
  yes: boolean;
  evidence: string;
}

/** The posture: each control's status (docs/controls.md), the level it supports, why, and what to do next. */
export interface Posture {
  level: 0 | 1 | 2 | 3 | 4;
  controls: Record<ControlId, ControlAssessment>;
  answers: SelfAssessmentAnswer[];
  inventory: { models: string[]; agents: string[]; tools: string[]; mcpServers: string[] };
  /** One paragraph: how the level follows from the answers and controls. */
  basis: string;
  /** Ordered steps toward the next level. */
  next: string[];
}

/** Share of covered calls at or above which coverage counts as complete (a few un-wrapped calls are tolerated, not a blind spot). */
export const COVERAGE_TARGET = 0.95;

export const CONTROL_TITLES: Record<ControlId, string> = {
  'L3.runtime-monitoring': 'Runtime monitoring covers model inputs, outputs, and tool calls',
  'L3.agent-audit': 'Agent-to-agent interactions are logged and audited',
  'L3.least-privilege': 'Least-privilege access is enforced per agent identity',
  'L3.drift-alerts': 'Behavioral drift triggers automated alerts',
  'L3.mcp-onboarding': 'MCP server connections are scanned before onboarding',
};

export const SELF_ASSESSMENT_QUESTIONS = [
  'Do you have a complete inventory of all AI models, agents, and MCP connections in production?',
  'Are agent-to-agent interactions logged and auditable?',
  'Do you test multi-turn attack resilience, not just single-prompt injection?',
  'Is least-privilege access enforced per agent identity, not per team?',
  'Can you generate EU AI Act compliance evidence automatically?',
] as const;

function ratio(part: number, whole: number): number | undefined {
  return whole > 0 ? part / whole : undefined;
}

function pct(r: number | undefined): string {
  return r === undefined ? 'n/a' : `${(Math.floor(r * 1000) / 10).toFixed(1)}%`;
}

/**
 * L3.runtime-monitoring
 * met:     model calls were seen, ≥ 95 % of model calls have a GenAI span (un-wrapped calls are
 *          HTTP spans to model hosts with no GenAI span around them), ≥ 95 % of the tool calls
 *          models asked for have an execute_tool span (or none were asked for), and the
 *          inventory names at least one model.
 * partial: some GenAI spans were seen but a coverage figure is below 95 %.
 * not_met: no GenAI spans at all.
 * Content capture is reported, not required: Warden records inputs/outputs as sizes, tokens
 * and finish reasons by default, and content only when the team opts in (docs/controls.md).
 */
export function assessRuntimeMonitoring(s: LedgerSnapshot): ControlAssessment {
  const modelTotal = s.spans.modelCalls + s.coverage.uncoveredModelCalls;
  const modelCoverage = ratio(s.spans.modelCalls, modelTotal);
  const toolCoverage = ratio(s.coverage.toolCallsRequestedWithSpan, s.coverage.toolCallsRequested);
  const evidence = {
    modelCallsWithSpans: s.spans.modelCalls,
    modelCallsWithoutSpans: s.coverage.uncoveredModelCalls,
    modelCallCoverage: pct(modelCoverage),
    toolCallsWithSpans: s.spans.toolCalls,
    toolCallsRequestedByModels: s.coverage.toolCallsRequested,
    toolCallCoverage: toolCoverage === undefined ? 'n/a (no tool calls requested by models)' : pct(toolCoverage),
    agentIdentityShare: pct(ratio(s.spans.withAgentIdentity, s.spans.genAi)),
    contentCapturedShare: pct(ratio(s.spans.contentCaptured, s.spans.genAi)),
    metadataOnlyShare: pct(ratio(s.spans.metadataOnly, s.spans.genAi)),
    modelsInInventory: s.inventory.models.length,
    agentsInInventory: s.inventory.agents.length,
    toolsInInventory: s.inventory.tools.length,
    mcpServersInInventory: s.inventory.mcpServers.length,
  };
  if (s.spans.genAi === 0) {
    return {
      status: 'not_met',
      evidence,
      next: 'No GenAI spans were recorded. Wrap the model clients (wrap(client)) and start monitor() or add the Warden span processor to the existing OpenTelemetry setup.',
    };
  }
  const gaps: string[] = [];
  if (s.spans.modelCalls === 0 || s.inventory.models.length === 0) gaps.push('no model call spans were recorded');
  if (modelCoverage !== undefined && modelCoverage < COVERAGE_TARGET)
    gaps.push(`${s.coverage.uncoveredModelCalls} model call(s) reached a model API without a GenAI span; wrap those clients`);
  if (toolCoverage !== undefined && toolCoverage < COVERAGE_TARGET)
    gaps.push(
      `${s.coverage.toolCallsRequested - s.coverage.toolCallsRequestedWithSpan} tool call(s) requested by models ran without an execute_tool span; wrap them with traceTool() or the MCP wrapper`,
    );
  if (gaps.length === 0) return { status: 'met', evidence };
  return { status: 'partial', evidence, next: capitalise(gaps.join('; ')) + '.' };
}

/**
 * L3.agent-audit
 * met:     invoke_agent spans were recorded, ≥ 95 % carry the callee's identity, every
 *          hand-off seen carries the caller's identity (≥ 95 %), and a hash-chained audit
 *          log is configured and its verification passed.
 * partial: agent spans or an audit log exist but one of the above is missing (including an
 *          audit log that was never verified).
 * not_met: no invoke_agent spans and no audit log.
 */
export function assessAgentAudit(s: LedgerSnapshot): ControlAssessment {
  const h = s.handoffs;
  const calleeShare = ratio(h.withCallee, h.total);
  const callerShare = ratio(h.withCaller, h.total);
  const log = s.auditLog;
  const logStatus = !log ? 'not configured' : log.verified === true ? 'verified' : log.verified === false ? 'FAILED verification' : 'not verified';
  const evidence: Record<string, number | string> = {
    invokeAgentSpans: h.total,
    withCalleeIdentity: h.withCallee,
    withCallerIdentity: h.withCaller,
    calleeIdentityShare: pct(calleeShare),
    handOffsLinkedToParentSpan: h.withParentSpan,
    withConversationId: h.withConversationId,
    auditLog: logStatus,
  };
  if (log?.entries !== undefined) evidence.auditLogEntries = log.entries;
  const signed = h.identity;
  const checked = signed.verified + signed.unsigned + signed.forged + signed.expired + signed.unknown_caller;
  evidence.agentKeys = s.identityKeys ? 'installed' : 'not installed';
  evidence.handOffsWithVerifiedIdentity = signed.verified;
  evidence.verifiedIdentityShare = pct(ratio(signed.verified, h.withCaller));
  if (checked > signed.verified) evidence.handOffsRejectedOrUnverified = checked - signed.verified;
  if (h.total === 0 && !log) {
    return {
      status: 'not_met',
      evidence,
      next: 'Record agent hand-offs with traceAgent() (invoke_agent spans with caller and callee identity) and enable the hash-chained audit log.',
    };
  }
  const gaps: string[] = [];
  if (h.total === 0) gaps.push('no invoke_agent spans were recorded; wrap agents with traceAgent()');
  else {
    if ((calleeShare ?? 0) < COVERAGE_TARGET) gaps.push('some invoke_agent spans have no agent identity');
    if (h.withCaller === 0) gaps.push('no hand-off records its caller; invoke agents from inside another traced agent so caller identity is recorded');
  }
  if (!log) gaps.push('no audit log is configured; enable the hash-chained audit log');
  else if (log.verified === false) gaps.push(`the audit log at ${log.path} failed verification${log.error ? ` (${log.error})` : ''}; investigate tampering`);
  else if (log.verified !== true) gaps.push('verify the audit log (warden audit verify) so its integrity is evidenced');
  if (callerShare !== undefined) evidence.callerIdentityShare = pct(callerShare);
  if (gaps.length === 0) return { status: 'met', evidence };
  return { status: 'partial', evidence, next: capitalise(gaps.join('; ')) + '.' };
}

/**
 * L3.least-privilege
 * met:     at least one agent identity was seen, every agent seen has a policy, every such
 *          policy is in `enforce` mode, and policy checks actually ran (decisions recorded)
 *          whenever tools were called.
 * partial: some agents seen have a policy, or policies only audit, or no decision was recorded.
 * not_met: no policies, or no agent identity in the telemetry to enforce them on.
 */
export function assessLeastPrivilege(s: LedgerSnapshot): ControlAssessment {
  const seen = s.inventory.agents.map((a) => a.name);
  const byAgent = new Map(s.policies.map((p) => [p.agent, p]));
  const withPolicy = seen.filter((a) => byAgent.has(a));
  const enforced = withPolicy.filter((a) => byAgent.get(a)?.mode === 'enforce');
  const d = s.decisions;
  const decisions = d.allow + d.deny + d.audit_deny + d.approved + d.approval_denied;
  const evidence: Record<string, number | string> = {
    agentsSeen: seen.length,
    agentsWithPolicy: withPolicy.length,
    agentsEnforced: enforced.length,
    policiesConfigured: s.policies.length,
    decisionsRecorded: decisions,
    allowed: d.allow,
    denied: d.deny,
    auditDenied: d.audit_deny,
    approved: d.approved,
    approvalDenied: d.approval_denied,
    toolCallsWithSpans: s.spans.toolCalls,
  };
  const without = seen.filter((a) => !byAgent.has(a));
  if (without.length > 0) evidence.agentsWithoutPolicy = listSome(without);
  if (s.policies.length === 0) {
    return {
      status: 'not_met',
      evidence,
      next: `Declare a policy per agent identity (allowed tools, MCP servers, argument limits, approvals) in monitor({ policies })${seen.length ? ` for: ${listSome(seen)}` : ''}.`,
    };
  }
  if (seen.length === 0) {
    return {
      status: 'not_met',
      evidence,
      next: 'Policies exist but no span carries an agent identity, so nothing is enforced per identity; run agents under traceAgent()/withAgent() or pass { agent } to wrap().',
    };
  }
  const gaps: string[] = [];
  if (without.length > 0) gaps.push(`add policies for ${listSome(without)}`);
  if (enforced.length < withPolicy.length) gaps.push('switch audit-mode policies to enforce once their alerts are clean');
  if (s.spans.toolCalls > 0 && decisions === 0)
    gaps.push('tool calls ran but no policy decision was recorded; route tool execution through traceTool() or the MCP wrapper so policies are checked');
  if (gaps.length === 0) return { status: 'met', evidence };
  return { status: 'partial', evidence, next: capitalise(gaps.join('; ')) + '.' };
}

/**
 * L3.drift-alerts
 * met:     detectors are configured, every detector states a calibrated false-alarm rate,
 *          at least one baseline has been learned, and at least one subscriber receives alerts.
 * partial: detectors exist but a baseline, the calibration or a subscriber is missing (or unknown).
 * not_met: no detector configuration was supplied.
 */
export function assessDriftAlerts(s: LedgerSnapshot): ControlAssessment {
  // Calibrated = states its false-alarm rate (zero for deterministic rules such as a new tool).
  const calibrated = s.detectors.filter((d) => d.falseAlarmRate !== undefined);
  const a = s.alerts.byKind;
  const evidence: Record<string, number | string> = {
    detectors: s.detectors.length,
    calibratedDetectors: calibrated.length,
    baselines: s.baselines ?? 'unknown',
    alertSubscribers: s.alertSubscribers ?? 'unknown',
    driftAlerts: a.drift,
    toolAnomalyAlerts: a.tool_anomaly,
    multiTurnAlerts: a.multi_turn,
  };
  const statistical = calibrated.filter((d) => d.expectedRecordsBetweenFalseAlarms !== undefined);
  if (statistical.length > 0) {
    const worst = Math.min(...statistical.map((d) => d.expectedRecordsBetweenFalseAlarms as number));
    evidence.minRecordsBetweenFalseAlarms = Math.round(worst);
  }
  if (s.detectors.length === 0) {
    return {
      status: 'not_met',
      evidence,
      next: 'Run the analyzer (monitor() does) and pass analyzer.describe() to the ledger so detector calibration is evidenced.',
    };
  }
  const gaps: string[] = [];
  if (calibrated.length < s.detectors.length) gaps.push(`${s.detectors.length - calibrated.length} detector(s) state no calibrated false-alarm rate`);
  if (!s.baselines) gaps.push('no learned baseline is evidenced yet; let the warm-up finish');
  if (!s.alertSubscribers) gaps.push("nobody is subscribed to alerts; add warden.on('alert', ...) to page or ticket");
  if (gaps.length === 0) return { status: 'met', evidence };
  return { status: 'partial', evidence, next: capitalise(gaps.join('; ')) + '.' };
}

/**
 * L3.mcp-onboarding
 * met:     every MCP server seen was scanned no later than its first tool call, none was
 *          used after a `block` decision, and every scanned server has pinned tool signatures.
 * not_applicable: no MCP server connection was observed: nothing to assess, so no evidence.
 * partial: some servers were scanned before use, or scanned without pins.
 * not_met: MCP tools were called and no server used was scanned before its first call.
 */
export function assessMcpOnboarding(s: LedgerSnapshot): ControlAssessment {
  const servers = s.mcp.servers;
  const used = servers.filter((x) => x.toolCalls > 0);
  const unscanned = used.filter((x) => !x.scannedBeforeFirstCall);
  const scanned = servers.filter((x) => x.scans > 0);
  const pinned = scanned.filter((x) => x.pins.pinned + x.pins.unchanged + x.pins.approved > 0 || x.toolCount === 0);
  const usedBlocked = used.filter((x) => x.lastDecision === 'block');
  const evidence: Record<string, number | string> = {
    mcpServersSeen: servers.length,
    mcpServersUsed: used.length,
    scannedBeforeFirstToolCall: used.length - unscanned.length,
    unscannedServersUsed: unscanned.length,
    scans: s.mcp.scans,
    serversWithPinnedTools: pinned.length,
    signatureChanges: servers.reduce((n, x) => n + x.pins.changed, 0),
    findingsHighOrCritical: servers.reduce((n, x) => n + x.findings.high + x.findings.critical, 0),
  };
  const allow = s.mcp.allowlist;
  if (allow.admitted + allow.refused + allow.unsigned > 0) {
    // Servers checked against the organisation-signed allowlist (latest verdict per server).
    evidence.allowlistAdmitted = allow.admitted;
    evidence.allowlistRefused = allow.refused;
    evidence.allowlistUnsignedAlerted = allow.unsigned;
  }
  if (unscanned.length > 0) evidence.unscanned = listSome(unscanned.map((x) => x.name));
  if (servers.length === 0) {
    evidence.applicability = 'no MCP server connection observed';
    return { status: 'not_applicable', evidence };
  }
  const gaps: string[] = [];
  if (unscanned.length > 0) gaps.push(`scan ${listSome(unscanned.map((x) => x.name))} at connect, before any tool call (wrapMcpClient does this)`);
  if (pinned.length < scanned.length) gaps.push('pin tool signatures for every scanned server so rug pulls are caught');
  if (usedBlocked.length > 0) gaps.push(`${listSome(usedBlocked.map((x) => x.name))} was used although its scan said block`);
  if (gaps.length === 0) return { status: 'met', evidence };
  const status: ControlStatus = used.length > 0 && unscanned.length === used.length ? 'not_met' : 'partial';
  return { status, evidence, next: capitalise(gaps.join('; ')) + '.' };
}

function hasMultiTurnDetector(s: LedgerSnapshot): boolean {
  return s.detectors.some((d) => /multi[-_ ]?turn/i.test(`${d.id} ${d.kind ?? ''} ${d.feature ?? ''}`));
}

function ageDays(s: LedgerSnapshot, iso: string | undefined): number {
  if (!iso) return Number.POSITIVE_INFINITY;
  const age = (Date.parse(s.generatedAt) - Date.parse(iso)) / 86_400_000;
  return Number.isFinite(age) && age >= -1 / 1440 ? Math.max(0, age) : Number.POSITIVE_INFINITY;
}

/** A drill whose latest run passed, within the age limit. */
function drillFresh(s: LedgerSnapshot, id: string): boolean {
  const d = s.drills.byId[id];
  return d !== undefined && d.lastStatus === 'passed' && ageDays(s, d.lastPassed) <= s.drills.maxAgeDays;
}

/**
 * Level 4's drill rule: every control that has something to assess is exercised by at least
 * one drill, every applicable drill's latest run passed within drillMaxAgeDays, and the runs'
 * reports are archived. Returns why not, or undefined when the rule holds.
 */
export function drillGap(s: LedgerSnapshot, controls: Record<ControlId, ControlAssessment>): string | undefined {
  if (s.drills.runs === 0) return 'no drill has run (warden.drill(), `warden drill`, or monitor({ drills }))';
  const gaps: string[] = [];
  for (const id of CONTROL_IDS) {
    if (controls[id].status === 'not_applicable') continue;
    const drills = Object.values(s.drills.byId).filter((d) => d.control === id && d.lastStatus !== 'not_applicable');
    if (drills.length === 0) {
      gaps.push(`no drill exercised ${id}`);
      continue;
    }
    for (const d of drills) {
      if (d.lastStatus === 'failed') gaps.push(`the ${d.id} drill failed (${d.lastReason})`);
      else if (!drillFresh(s, d.id)) gaps.push(`the ${d.id} drill last passed more than ${s.drills.maxAgeDays} day(s) ago`);
    }
  }
  if (s.drills.archivedRuns === 0) gaps.push('no drill report was archived');
  return gaps.length ? gaps.join('; ') : undefined;
}

/** The five self-assessment answers, each a yes only when the figures show it. */
export function answerSelfAssessment(s: LedgerSnapshot, controls: Record<ControlId, ControlAssessment>): SelfAssessmentAnswer[] {
  const rm = controls['L3.runtime-monitoring'];
  const inventoryYes = rm.status === 'met' && controls['L3.mcp-onboarding'].status !== 'not_met';
  const multiTurn = hasMultiTurnDetector(s);
  const conversations = s.spans.withConversationId;
  const mtDrill = s.drills.byId['multi-turn'];
  const mtTested = multiTurn && drillFresh(s, 'multi-turn');
  const logVerified = s.auditLog?.verified === true;
  return [
    {
      question: SELF_ASSESSMENT_QUESTIONS[0],
      // The inventory is only complete if nothing reached a model or tool unseen (runtime monitoring met).
      yes: inventoryYes,
      evidence: `${s.inventory.models.length} model(s), ${s.inventory.agents.length} agent(s), ${s.inventory.tools.length} tool(s), ${s.inventory.mcpServers.length} MCP server(s) seen; model-call coverage ${rm.evidence.modelCallCoverage}, tool-call coverage ${rm.evidence.toolCallCoverage}${s.inventory.dropped ? `; ${s.inventory.dropped} name(s) beyond the inventory cap` : ''}.`,
    },
    {
      question: SELF_ASSESSMENT_QUESTIONS[1],
      yes: controls['L3.agent-audit'].status === 'met',
      evidence: `${s.handoffs.total} invoke_agent span(s), ${s.handoffs.withCaller} with caller identity; audit log ${controls['L3.agent-audit'].evidence.auditLog}.`,
    },
    {
      question: SELF_ASSESSMENT_QUESTIONS[2],
      // Monitoring is not testing: yes only when a drill replayed a multi-turn escalation and it was caught.
      yes: mtTested,
      evidence: !multiTurn
        ? 'No multi-turn (per-conversation) detector is configured; only single calls are scored.'
        : mtDrill === undefined
          ? `Per-conversation scoring is configured (${conversations} span(s) carry a conversation id; ${s.alerts.byKind.multi_turn} multi_turn alert(s)), but no drill has tested it with a multi-turn attack.`
          : `The multi-turn drill ${mtDrill.lastStatus} on ${mtDrill.lastRun} (${mtDrill.lastReason})${mtDrill.lastPassed ? `; last passed ${mtDrill.lastPassed}` : ''}; ${s.alerts.byKind.multi_turn} multi_turn alert(s) in production.`,
    },
    {
      question: SELF_ASSESSMENT_QUESTIONS[3],
      yes: controls['L3.least-privilege'].status === 'met',
      evidence: `${controls['L3.least-privilege'].evidence.agentsWithPolicy} of ${controls['L3.least-privilege'].evidence.agentsSeen} agent identities have a policy (${controls['L3.least-privilege'].evidence.agentsEnforced} enforced); ${controls['L3.least-privilege'].evidence.decisionsRecorded} decision(s) recorded.`,
    },
    {
      question: SELF_ASSESSMENT_QUESTIONS[4],
      // Automatic evidence needs both the telemetry (runtime monitoring met) and tamper-evident record-keeping (Art. 12).
      yes: rm.status === 'met' && logVerified,
      evidence: `This report is generated from telemetry; runtime monitoring is ${rm.status.replace('_', ' ')}; the audit log is ${controls['L3.agent-audit'].evidence.auditLog}.`,
    },
  ];
}

/**
 * The level, conservatively:
 *   0–1 yes → Level 1 if anything was observed at all, else Level 0;
 *   2–3 yes → Level 2;
 *   4–5 yes → Level 3, but only if no Level 3 control is not_met (else Level 2);
 *   Level 4 only with 5 yes, every control met or not applicable, a live (continuously
 *   updated) ledger, and drills: every applicable control exercised by a drill whose latest
 *   run passed within drillMaxAgeDays, with the run reports archived.
 */
export function maturityLevel(
  s: LedgerSnapshot,
  controls: Record<ControlId, ControlAssessment>,
  answers: SelfAssessmentAnswer[],
): { level: Posture['level']; basis: string } {
  const yes = answers.filter((a) => a.yes).length;
  const notMet = CONTROL_IDS.filter((id) => controls[id].status === 'not_met');
  const allMet = CONTROL_IDS.every((id) => controls[id].status === 'met' || controls[id].status === 'not_applicable');
  const observed = s.spans.genAi > 0;
  const head = `${yes} of 5 self-assessment answers are yes from evidence`;
  if (yes <= 1) {
    return observed
      ? { level: 1, basis: `${head}; GenAI telemetry exists, so Level 1 (Reactive).` }
      : { level: 0, basis: `${head} and no GenAI span was recorded: Level 0 (Unaware).` };
  }
  if (yes <= 3) return { level: 2, basis: `${head}: Level 2 (Defined).` };
  if (notMet.length > 0) {
    return {
      level: 2,
      basis: `${head}, but ${notMet.join(', ')} ${notMet.length === 1 ? 'is' : 'are'} not met, so the evidence supports Level 2 (Defined), not Level 3.`,
    };
  }
  const drills = drillGap(s, controls);
  const na = CONTROL_IDS.filter((id) => controls[id].status === 'not_applicable');
  if (yes === 5 && allMet && s.source === 'live' && drills === undefined) {
    return {
      level: 4,
      basis: `${head}, every Level 3 control is met${na.length ? ` (${na.join(', ')} not applicable: nothing to assess)` : ''}, posture is scored continuously from live telemetry, and drills exercised every applicable control and passed within ${s.drills.maxAgeDays} day(s) (last run ${s.drills.lastRun}, report archived at ${s.drills.lastArchivedTo}): Level 4 (Optimized).`,
    };
  }
  const noAnswers = answers.flatMap((a, i) => (a.yes ? [] : [`question ${i + 1}`]));
  const notFullyMet = CONTROL_IDS.filter((id) => controls[id].status !== 'met' && controls[id].status !== 'not_applicable');
  const why =
    yes < 5 || !allMet
      ? `Level 4 needs every answer and control evidenced, and ${[...noAnswers.map((q) => `${q} is answered no`), ...notFullyMet.map((id) => `${id} is ${controls[id].status.replace('_', ' ')}`)].join(', ')}`
      : s.source !== 'live'
        ? 'this assessment comes from recorded traces, not continuous live scoring'
        : `the drills do not prove the controls: ${drills}`;
  return { level: 3, basis: `${head}: Level 3 (Managed). Not Level 4 because ${why}.` };
}

export function assessPosture(s: LedgerSnapshot): Posture {
  const controls: Record<ControlId, ControlAssessment> = {
    'L3.runtime-monitoring': assessRuntimeMonitoring(s),
    'L3.agent-audit': assessAgentAudit(s),
    'L3.least-privilege': assessLeastPrivilege(s),
    'L3.drift-alerts': assessDriftAlerts(s),
    'L3.mcp-onboarding': assessMcpOnboarding(s),
  };
  const answers = answerSelfAssessment(s, controls);
  const { level, basis } = maturityLevel(s, controls, answers);
  const next: string[] = [];
  // Inventory first (the seed's "you can't secure what you can't see"), then the other controls.
  for (const id of CONTROL_IDS) {
    const c = controls[id];
    if (c.status !== 'met' && c.status !== 'not_applicable' && c.next) next.push(`${id}: ${c.next}`);
  }
  if (!answers[2].yes)
    next.push(
      "Multi-turn: keep per-conversation risk scoring on and run drills (monitor({ drills: { every: '24h' } })) so a replayed multi-turn escalation proves it is caught.",
    );
  if (level === 3)
    next.push(
      `Level 4: run drills at least every ${s.drills.maxAgeDays} day(s) (monitor({ drills: { every: '24h' } }) or \`warden drill\`) so every control is proven to fire, and archive their reports.`,
    );
  return {
    level,
    controls,
    answers,
    inventory: {
      models: s.inventory.models.map((x) => x.name),
      agents: s.inventory.agents.map((x) => x.name),
      tools: s.inventory.tools.map((x) => x.name),
      mcpServers: s.inventory.mcpServers.map((x) => x.name),
    },
    basis,
    next,
  };
}

function listSome(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
