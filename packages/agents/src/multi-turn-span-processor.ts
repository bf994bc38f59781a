import * as A from '@warden/core';
import type { Alert, FinishedSpan } from '@warden/core';
import { hrTimeToMs, publishAlert, reportInternalError, stringAttr, stringListAttr, type WardenSpanProcessor } from '@warden/core/internal';
import type { ConversationJudge } from './conversation/conversation-judge';
import { MultiTurnRiskScorer, type MultiTurnRiskOptions, type RiskAssessment } from './multi-turn-risk';

interface MessageLike {
  role?: unknown;
  parts?: unknown;
}
interface PartLike {
  type?: unknown;
  content?: unknown;
  response?: unknown;
}

function parseMessages(json: string | undefined): MessageLike[] | undefined {
  if (!json) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as MessageLike[]) : undefined;
  } catch {
    return undefined;
  }
}

function partsOf(m: MessageLike): PartLike[] {
  return Array.isArray(m.parts) ? (m.parts as PartLike[]) : [];
}

/**
 * The new input of this turn: user text and tool results after the last assistant
 * message (the earlier history was scored when it was new).
 */
export function newTurnContent(messages: MessageLike[]): { input?: string; toolResults: string[] } {
  let start = 0;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]?.role === 'assistant') {
      start = i + 1;
      break;
    }
  const texts: string[] = [];
  const toolResults: string[] = [];
  for (const m of messages.slice(start)) {
    for (const p of partsOf(m)) {
      if (p.type === 'tool_call_response') toolResults.push(typeof p.response === 'string' ? p.response : JSON.stringify(p.response ?? ''));
      else if (p.type === 'text' && typeof p.content === 'string' && m.role === 'user') texts.push(p.content);
      else if (p.type === 'text' && typeof p.content === 'string' && m.role === 'tool') toolResults.push(p.content);
    }
  }
  return texts.length ? { input: texts.join('\n'), toolResults } : { toolResults };
}

function outputText(messages: MessageLike[] | undefined): string | undefined {
  if (!messages) return undefined;
  const texts: string[] = [];
  for (const m of messages) for (const p of partsOf(m)) if (p.type === 'text' && typeof p.content === 'string') texts.push(p.content);
  return texts.length ? texts.join('\n') : undefined;
}

export interface MultiTurnRiskSpanProcessorOptions extends MultiTurnRiskOptions {
  /** Where alerts go; default: core's publishAlert (monitor() forwards them to `alert`). */
  onAlert?: (alert: Alert) => void;
  /** A scorer to share; default a new one with these options. */
  scorer?: MultiTurnRiskScorer;
  /** An optional judge model that also sees sampled windows of each conversation (off the call path). */
  judge?: ConversationJudge;
}

/**
 * Feeds finished GenAI spans that carry gen_ai.conversation.id to a MultiTurnRiskScorer:
 * model calls as turns (with their captured messages, finish reasons and refusals), tool
 * executions as events of the current turn (errors, policy denials, captured results).
 */
export class MultiTurnRiskSpanProcessor implements WardenSpanProcessor {
  readonly scorer: MultiTurnRiskScorer;
  readonly judge: ConversationJudge | undefined;
  private readonly onAlert: (alert: Alert) => void;

  constructor(options: MultiTurnRiskSpanProcessorOptions = {}) {
    this.scorer = options.scorer ?? new MultiTurnRiskScorer(options);
    this.judge = options.judge;
    this.onAlert = options.onAlert ?? publishAlert;
  }

  onStart(): void {}

  onEnd(span: FinishedSpan): void {
    // Most spans carry no conversation id: assess() returns after one attribute read, with no closure per span.
    try {
      const r = this.assess(span);
      if (r?.alert) this.onAlert(r.alert);
    } catch (e) {
      reportInternalError('agents.multiTurn.onEnd', e);
    }
  }

  /** Scores one span; exposed for replaying spans that arrive over OTLP. */
  assess(span: FinishedSpan): RiskAssessment | undefined {
    const a = span.attributes;
    const conversationId = stringAttr(a, A.ATTR_GEN_AI_CONVERSATION_ID);
    const operation = stringAttr(a, A.ATTR_GEN_AI_OPERATION_NAME);
    if (!conversationId || !operation) return undefined;
    const time = hrTimeToMs(span.endTime);
    const traceId = span.spanContext().traceId;
    const agent = stringAttr(a, A.ATTR_GEN_AI_AGENT_NAME);
    if (A.GENERATION_OPERATIONS.has(operation)) {
      const inputs = parseMessages(stringAttr(a, A.ATTR_GEN_AI_INPUT_MESSAGES));
      const turn = inputs ? newTurnContent(inputs) : { toolResults: [] };
      const output = outputText(parseMessages(stringAttr(a, A.ATTR_GEN_AI_OUTPUT_MESSAGES)));
      const r = this.scorer.observeTurn({
        conversationId,
        time,
        traceId,
        agent,
        input: turn.input,
        toolResults: turn.toolResults,
        output,
        finishReasons: stringListAttr(a, A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS),
        refusal: a[A.ATTR_WARDEN_REFUSAL] === true,
      });
      this.judge?.observe({ conversationId, input: turn.input, output, agent, traceId, score: r.score });
      return r;
    }
    if (operation === A.GEN_AI_OPERATION.EXECUTE_TOOL) {
      const decision = stringAttr(a, A.ATTR_WARDEN_POLICY_DECISION);
      const policyDenied = decision === 'deny' || decision === 'audit_deny';
      const failed = span.status.code === 2 || stringAttr(a, A.ATTR_ERROR_TYPE) !== undefined;
      return this.scorer.observeTool({
        conversationId,
        time,
        traceId,
        agent,
        tool: stringAttr(a, A.ATTR_GEN_AI_TOOL_NAME) ?? span.name,
        policyDenied,
        error: failed && !policyDenied,
        result: stringAttr(a, A.ATTR_GEN_AI_TOOL_CALL_RESULT),
      });
    }
    return undefined;
  }

  async forceFlush(): Promise<void> {
    await this.judge?.settle();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
