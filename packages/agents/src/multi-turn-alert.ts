import { controlsForKind, type Alert } from '@warden/core';
import { newAlertId } from '@warden/core/internal';

/** What a multi-turn detector knows about the conversation it alerts on. */
export interface MultiTurnAlertFields {
  /** `multi_turn.conversation_risk` (the scorer) or `multi_turn.judge` (the judge model). */
  detector: string;
  conversationId: string;
  agent?: string;
  message: string;
  score: number;
  threshold: number;
  current: Record<string, number>;
  traceIds: readonly string[];
  time: number;
}

/**
 * The one alert a multi-turn detector raises on a conversation: kind `multi_turn`, severity
 * high, the conversation (and its agent, when known) as subject, and the controls of the kind.
 */
export function multiTurnAlert(f: MultiTurnAlertFields): Alert {
  const alert: Alert = {
    id: newAlertId(f.time),
    kind: 'multi_turn',
    severity: 'high',
    detector: f.detector,
    subject: { conversationId: f.conversationId },
    message: f.message,
    score: f.score,
    threshold: f.threshold,
    current: f.current,
    traceIds: [...f.traceIds],
    controls: controlsForKind('multi_turn'),
    time: new Date(f.time).toISOString(),
  };
  if (f.agent) alert.subject.agent = f.agent;
  return alert;
}
