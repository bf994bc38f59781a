import { fnv1a } from '@warden/core/internal';
import type { Alert } from '@warden/core';
import { defaultDialogueClassifier, defaultIntentClassifier, type IntentClassifier, type ScorePass } from './conversation/intent-classifier';
import { forEachIntentFeature } from './conversation/intent-features';
import { DEFAULT_MAX_TEXT_CHARS, normalizeText } from './conversation/normalize-text';
import { multiTurnAlert } from './multi-turn-alert';

/** Cheap per-turn signals; the weight is what one occurrence adds to the turn's score. */
export const RISK_SIGNAL_WEIGHTS = {
  /** "ignore your previous instructions", "developer mode", "from now on you..." */
  instruction_override: 0.7,
  /** zero-width, bidi-override or Unicode tag characters in text */
  hidden_unicode: 0.7,
  /** "pretend you are", "stay in character", "hypothetically" */
  roleplay: 0.3,
  /** asks for keys, passwords, credentials, the system prompt */
  secret_request: 0.35,
  /** the next input after a refusal says much the same thing again */
  refusal_rephrase: 0.7,
  /** override phrasing or hidden characters inside a tool result (indirect injection) */
  tool_result_injection: 0.7,
  /** the model refused or the provider filtered (finish reason content_filter) */
  refusal: 0.25,
  /** the model answered but hedged: "is illegal", "for educational purposes only", "I must emphasize": it saw risk in the ask */
  model_caution: 0.45,
  /** a policy denied (or, in audit mode, would have denied) a tool call */
  policy_denial: 0.4,
  /** a side-effecting tool (send, write, exec, pay...) right after a refusal or an injected tool result */
  risky_tool_sequence: 0.6,
  /** three or more failing tool calls in one turn: probing */
  tool_error_burst: 0.3,
  /** the embedded classifier reads harmful or policy-violating intent in the user's input; scaled by its confidence above 0.5 */
  harmful_intent: 1.0,
  /** the input is more harmful than the one before, after an already suspicious turn: escalation */
  harm_rising: 0.3,
  /** a short follow-up that leans on earlier harmful content ("now step by step", "more detail on that") */
  reference_back: 0.4,
  /** the model's reply reads as harmful (the same classifier on its output, scaled like harmful_intent): the attack may have worked */
  harmful_reply: 1.0,
} as const;
export type RiskSignal = keyof typeof RISK_SIGNAL_WEIGHTS;

/** One model turn of a conversation. Content fields are present only when content was captured. */
export interface TurnObservation {
  conversationId: string;
  /** Milliseconds since the epoch (from the span, not the clock). */
  time: number;
  agent?: string;
  traceId?: string;
  /** The new user input of this turn. */
  input?: string;
  /** The model's text output. */
  output?: string;
  /** Tool results fed back to the model in this turn. */
  toolResults?: string[];
  finishReasons?: string[];
  refusal?: boolean;
}

/** One tool execution inside the current turn of a conversation. */
export interface ToolObservation {
  conversationId: string;
  time: number;
  tool: string;
  agent?: string;
  traceId?: string;
  error?: boolean;
  policyDenied?: boolean;
  /** The tool's result, when content was captured. */
  result?: string;
}

export interface MultiTurnRiskOptions {
  /** Conversation score at which `multi_turn` fires. Default 1.5 (README: about 2% of generated benign conversations cross it). */
  threshold?: number;
  /** Share of the score kept from one turn to the next. Default 0.8. */
  decayPerTurn?: number;
  /** The score also halves every this many ms of idle time. Default 30 minutes. */
  halfLifeMs?: number;
  /** Cap on what one turn (with its tool calls) adds: below the threshold, so no single turn fires alone. Default 1.0. */
  maxTurnScore?: number;
  /** Conversations tracked at once; the least recently seen is forgotten. Default 10 000. */
  maxConversations?: number;
  /** Each repeat of the same signal in a conversation counts this much of the one before. Default 0.6 (harmful intent: 1, it does not wear off). */
  repeatFactor?: number;
  /** The per-turn intent classifier; default the embedded one, `false` to score cues only. */
  intentClassifier?: IntentClassifier | false;
  /** The per-turn classifier of unsafe talk, read on the input (the higher of it and intent counts) and on the reply; default the embedded one, `false` for none. */
  dialogueClassifier?: IntentClassifier | false;
  /** Characters of one text read (head and tail kept): megabyte inputs are truncated, not slow. Default 1024 (`DEFAULT_MAX_TEXT_CHARS`). */
  maxTextChars?: number;
}

export interface RiskAssessment {
  conversationId: string;
  /** What this observation added (after the per-turn cap). */
  added: number;
  /** The conversation's decayed score after it. */
  score: number;
  signals: RiskSignal[];
  turns: number;
  /** Set on the observation that first takes the conversation across the threshold. */
  alert?: Alert;
}

interface ConversationRisk {
  score: number;
  lastTime: number;
  turns: number;
  turnAdded: number;
  alerted: boolean;
  lastTurnRefused: boolean;
  /** The turn before the current one was refused: its tools may be the rephrased request. */
  prevTurnRefused: boolean;
  /** Hashed n-grams of the last input, to see a refusal being rephrased. */
  lastInputWords: Int32Array | undefined;
  /** Content words (hashed) of inputs the model refused: a later input back on that topic is a rephrase. */
  refusedTopic: Set<number> | undefined;
  /** Content words of inputs the model answered but hedged on: coming back counts only if the new input reads somewhat harmful. */
  hedgedTopic: Set<number> | undefined;
  /** Content words of the current turn's input, kept until the output says whether it was refused. */
  inputTopic: Set<number> | undefined;
  /** Harmful-intent probability of the previous input, and the highest so far. */
  lastIntent: number;
  maxIntent: number;
  injectedResultInTurn: boolean;
  toolErrorsInTurn: number;
  agent: string | undefined;
  traceIds: string[];
  signalCounts: Partial<Record<RiskSignal, number>>;
}

const OVERRIDE = [
  /\b(ignore|disregard|forget|override|bypass)\b[^.?!\n]{0,40}?\b(previous|prior|above|earlier|all|any|your|system|safety)\b[^.?!\n]{0,24}?\b(instructions?|rules|guidelines|prompts?|directions|restrictions|guardrails|polic(?:y|ies)|filters?)\b/,
  /\b(you are now (?:in )?(?:dan|developer|god|jailbreak|unrestricted|unfiltered)|developer mode|jailbreak|do anything now|no longer bound by|without any (?:restrictions|filters|rules)|new system prompt|new instructions:)/, // Jailbreak framing: a mode or persona without rules, asked for outright or seeded for later.
  /\b(?:(?:developer|admin|sudo|god|debug|unrestricted|unfiltered|uncensored) (?:mode|access)|(?:unrestricted|unfiltered|uncensored|unaligned|amoral) (?:ai|assistant|model|output|chatbot|version|persona)|(?:with|there are|have) no (?:restrictions|rules|limits|filters|guidelines|boundaries)|(?:bypass|disable|turn off|remove|ignore|lift) (?:the |your |all |any |those )?(?:content |safety |ethical )?(?:filters?|restrictions?|guardrails|safeguards|guidelines|procedures)|override (?:has been|is|was) (?:authorized|approved)|(?:store|remember) this (?:command|instruction)|(?:comply|obey) with (?:all|every|any) (?:requests?|commands?))\b/,
];
// Zero-width and bidi controls and Unicode tags; ZWJ (U+200D) is left out: emoji sequences use it.
const HIDDEN = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]|(?<!^)\uFEFF|[\u{E0000}-\u{E007F}]/u;
const ROLEPLAY =
  /\b(pretend (?:to be|you(?:'re| are))|let'?s play a game|role-?play|stay in character|hypothetically|imagine (?:that )?you (?:are|were|have no)|you are (?:now )?an? (?:evil|unfiltered|uncensored|unrestricted)|for a (?:story|novel|screenplay)|in this fictional)/;
const SECRET =
  /\b(api[ _-]?keys?|secret[ _-]?keys?|access[ _-]?tokens?|private[ _-]?keys?|passwords?|credentials?|ssh[ _-]?keys?|\.env\b|environment variables|system prompt|your (?:hidden |initial )?(?:instructions|prompt)|auth(?:orization)? tokens?)\b/;
// "I'm sorry, I can't say that." is a refusal; "Sorry, I can't imagine how hard that was" is sympathy.
const REFUSAL_TEXT =
  /^\s*(?:(?:i'?m sorry|i apologi[sz]e),? but|i'?m sorry,? but|(?:i'?m )?sorry[,.!]? (?:but )?i (?:can(?:'|no)t|cannot|won'?t|am unable to|'?m unable to|'?m not able to)(?: (?:say|do|help|answer|talk about|discuss|provide|share|assist|comply|continue|go there|give|write|tell you (?:that|how|where|what))\b|[.!]|$)|i can(?:'|no)t (?:help|assist|do|provide|share)|i cannot (?:help|assist|do|provide|share)|i won'?t (?:help|be able)|i am unable to|i'?m not able to)/;
// A refusal after a preamble ("Thanks for asking. However, I cannot provide..."), read in the reply's first sentences.
const REFUSAL_INSIDE =
  /\b(?:i can(?:'|no)t|i cannot|i won'?t|i'?m (?:not able|unable)|i am (?:not able|unable)|i must (?:decline|refuse)|i (?:will|must) not)\b[^.?!\n]{0,40}?\b(?:help|assist|provide|advise|give|support|create|write|share|fulfil+|comply|engage|generate|offer)\b/;
// A deflection is a refusal too: a safety layer's canned change of subject ("Hey do you want to talk about something else?").
const DEFLECTION =
  /\b(?:(?:do you want|would you like|can we|could we|shall we|how about we) (?:to )?(?:talk|chat) about something else|change the (?:subject|topic)|i'?d (?:rather|prefer) not (?:to )?(?:talk|discuss|get into|comment)|i (?:don'?t|do not) (?:want|wish|feel comfortable) (?:to )?(?:talk|discuss|chat|comment) (?:about|on) (?:that|this|it))\b/;
// The model answers but hedges: it saw legal, ethical or safety risk in the ask.
const CAUTION =
  /\b(?:(?:is|are|be|considered|highly|strictly|potentially) illegal|illegal (?:in|and|or)|unlawful|not (?:advocating|condoning|endorsing|encouraging|promoting)|(?:for|purely for) (?:educational|informational|academic) purposes|i (?:must|need to|want to) (?:emphasize|stress|caution|clarify|remind)|against the law|(?:legal|serious) (?:consequences|repercussions)|(?:comply|compliance) with (?:all |local |applicable )?(?:laws|regulations)|(?:ethical|legal|safety) (?:concerns|implications|considerations)|(?:responsibly|ethically) and (?:legally|safely|responsibly))/;
// A follow-up that only makes sense against earlier content: coreference and "more of that".
const REFERENCE_BACK =
  /\b(?:(?:do|write|explain|expand|elaborate|describe|show|give|list|continue|repeat)\b[^.?!\n]{0,30}\b(?:that|it|this|those|them|the (?:above|last|previous|first|second|third) (?:one|step|part|answer|response))\b|step[- ]by[- ]step|more (?:detail|details|specific|specifics|precise)|in (?:more )?detail|be more specific|go on|keep going|continue|what (?:about|else)|and then\b|the (?:exact|specific) (?:steps|amounts|quantities|ingredients|instructions))/;
const SIDE_EFFECT_TOOL = /(send|email|mail|post|upload|write|delete|remove|exec|shell|run|transfer|pay|deploy|publish)/i;

/** Up to 96 distinct feature buckets of a text, sorted (used when no classifier collects them). */
function features(normalized: string): Int32Array {
  const out = new Set<number>();
  forEachIntentFeature(normalized, (b) => {
    if (out.size < 96) out.add(b);
  });
  return Int32Array.from(out).sort();
}

// Function words of six letters or more that say nothing about a topic.
const NOT_TOPIC_WORDS = [
  'about',
  'would',
  'could',
  'should',
  'there',
  'their',
  'which',
  'these',
  'those',
  'through',
  'explain',
  'provide',
  'please',
  'thanks',
  'thank',
  'really',
  'something',
  'someone',
  'specific',
  'example',
  'examples',
  'understand',
  'understanding',
  'interested',
  'information',
  'detail',
  'details',
  'different',
  'describe',
  'another',
  'without',
  'because',
  'however',
  'helpful',
  'question',
  'great',
  'overview',
  'discuss',
  'perspective',
  'approach',
  'process',
  'important',
];

const NOT_TOPIC = new Set(NOT_TOPIC_WORDS.map(fnv1a));
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Hashed 7-letter stems of words of six letters or more, the ones that carry a topic (bounded). One pass, no regex per word. */
function contentWords(normalized: string): Set<number> {
  const out = new Set<number>();
  const n = normalized.length;
  let i = 0;
  while (i < n && out.size < 32) {
    const start = i;
    let whole = 0x811c9dc5;
    let stem = 0;
    for (; i < n; i++) {
      const c = normalized.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c > 127 && LETTER_OR_DIGIT.test(normalized[i]!)))) break;
      whole = Math.imul(whole ^ c, 0x01000193);
      if (i - start === 6) stem = whole;
    }
    const len = i - start;
    if (len >= 6 && !NOT_TOPIC.has(whole >>> 0)) out.add((len === 6 ? whole : stem) >>> 0);
    if (len === 0) i++;
  }
  return out;
}

function overlap(a: Set<number>, b: Set<number>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

/** Jaccard similarity of two sorted sets of distinct buckets. */
function jaccard(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let both = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! === b[j]!) {
      both++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return both / (a.length + b.length - both);
}

const isOverride = (text: string) => OVERRIDE.some((r) => r.test(text));

/** The cue signals of one text (input or tool result), after Unicode normalisation. */
export function contentSignals(text: string, maxChars = DEFAULT_MAX_TEXT_CHARS): RiskSignal[] {
  const n = normalizeText(text, maxChars);
  return cueSignals(n.text, n.hidden);
}

function cueSignals(normalized: string, hidden: boolean): RiskSignal[] {
  const out: RiskSignal[] = [];
  if (isOverride(normalized)) out.push('instruction_override');
  if (hidden || HIDDEN.test(normalized)) out.push('hidden_unicode');
  if (ROLEPLAY.test(normalized)) out.push('roleplay');
  if (SECRET.test(normalized)) out.push('secret_request');
  return out;
}

/**
 * Signals whose repeats keep (most of) their weight: persisting with a harmful ask, or pressing on
 * past the model's pushback, is the attack itself, not one benign topic coming up again.
 */
export const PERSISTENT_REPEAT: Partial<Record<RiskSignal, number>> = {
  harmful_intent: 1,
  harmful_reply: 1,
  refusal_rephrase: 0.85,
  refusal: 0.85,
};

/**
 * Probability below which a classifier reading adds nothing, for both models, on inputs and replies: their
 * benign false positives sit mostly under it. (The dialogue model needed 0.8 while it was fitted on less
 * small talk; refitted with Topical-Chat and Wizard of Internet chats, 0.7 alerts on no more dev chats.)
 */
const CLASSIFIER_FLOOR = 0.7;
/**
 * What a harmful-intent reading counts when only the intent model made it and the dialogue model
 * reads the same turn as harmless. On the dev conversations (README) such turns were 4× as frequent in
 * attacks as in benign chats, turns both models flag 34×, turns only the dialogue model flags 15×:
 * the intent model alone misreads small talk ("Do you like or watch football?" 0.90).
 */
const INTENT_MODEL_ALONE = 0.7;
/** Harm reading (the higher of the two models) an input needs for a return to a merely hedged-on topic to count as a rephrase. */
const HEDGED_RETURN_MIN_HARM = 0.2;

/** Default alert threshold of the per-conversation score; one turn adds at most 1.0, so no single turn crosses it. */
export const DEFAULT_MULTI_TURN_THRESHOLD = 1.5;

/**
 * False alarms per benign conversation at the default threshold, as measured by
 * `bench/agents.ts` (5,000 generated benign conversations, seed 99; a test keeps it equal).
 * These conversations are written to be hard (security questions, role-play, refusals); on
 * outside benign conversations see MEASURED_MULTI_TURN_OUTSIDE_RATES. Re-measure and update
 * it when the signals or weights change.
 */
export const MEASURED_MULTI_TURN_FALSE_ALARMS_PER_CONVERSATION = 0.0302;

/**
 * Multi-turn risk per conversation: each turn's cheap signals add to a score that decays
 * per turn and with idle time; a `multi_turn` alert fires once when the conversation as a
 * whole crosses the threshold. One turn adds at most `maxTurnScore` (< threshold), so it
 * takes several suspicious turns — an escalation — to fire. Pure: time comes in the
 * observations; memory is bounded by `maxConversations`.
 */
export class MultiTurnRiskScorer {
  readonly threshold: number;
  private readonly decayPerTurn: number;
  private readonly halfLifeMs: number;
  private readonly maxTurnScore: number;
  private readonly maxConversations: number;
  private readonly repeatFactor: number;
  private readonly conversations = new Map<string, ConversationRisk>();
  private readonly intent: IntentClassifier | undefined;
  private readonly dialogue: IntentClassifier | undefined;
  private readonly maxTextChars: number;
  private readonly featureBuffer = new Int32Array(96);
  private readonly pass: ScorePass = { collected: 0, also: 0 };

  constructor(options: MultiTurnRiskOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_MULTI_TURN_THRESHOLD;
    this.decayPerTurn = options.decayPerTurn ?? 0.8;
    this.halfLifeMs = options.halfLifeMs ?? 30 * 60_000;
    this.maxTurnScore = options.maxTurnScore ?? 1.0;
    this.maxConversations = options.maxConversations ?? 10_000;
    this.repeatFactor = options.repeatFactor ?? 0.6;
    this.intent = options.intentClassifier === false ? undefined : (options.intentClassifier ?? defaultIntentClassifier());
    this.dialogue = options.dialogueClassifier === false ? undefined : (options.dialogueClassifier ?? defaultDialogueClassifier());
    this.maxTextChars = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  }

  get trackedConversations(): number {
    return this.conversations.size;
  }

  /** The current (decayed to `time`) score of a conversation, 0 if unknown. */
  scoreOf(conversationId: string, time?: number): number {
    const c = this.conversations.get(conversationId);
    if (!c) return 0;
    return time === undefined ? c.score : c.score * this.idleFactor(time - c.lastTime);
  }

  /** What a conversation has accumulated so far: turns and how often each signal was seen. */
  signalsOf(conversationId: string): { turns: number; counts: Partial<Record<RiskSignal, number>> } | undefined {
    const c = this.conversations.get(conversationId);
    return c ? { turns: c.turns, counts: { ...c.signalCounts } } : undefined;
  }

  private idleFactor(ms: number): number {
    return ms > 0 ? Math.pow(0.5, ms / this.halfLifeMs) : 1;
  }

  private state(id: string, time: number): ConversationRisk {
    let c = this.conversations.get(id);
    if (c) {
      this.conversations.delete(id); // re-insert: Map order is the LRU order
    } else {
      c = {
        score: 0,
        lastTime: time,
        turns: 0,
        turnAdded: 0,
        alerted: false,
        lastTurnRefused: false,
        prevTurnRefused: false,
        lastInputWords: undefined,
        lastIntent: 0,
        maxIntent: 0,
        refusedTopic: undefined,
        hedgedTopic: undefined,
        inputTopic: undefined,
        injectedResultInTurn: false,
        toolErrorsInTurn: 0,
        agent: undefined,
        traceIds: [],
        signalCounts: {},
      };
      if (this.conversations.size >= this.maxConversations) {
        const oldest = this.conversations.keys().next().value;
        if (oldest !== undefined) this.conversations.delete(oldest);
      }
    }
    this.conversations.set(id, c);
    return c;
  }

  private add(
    c: ConversationRisk,
    id: string,
    signals: RiskSignal[],
    time: number,
    traceId: string | undefined,
    strength?: Partial<Record<RiskSignal, number>>,
  ): RiskAssessment {
    let raw = 0;
    for (const s of signals) {
      // Diminishing returns per kind: escalation shows as several tactics, a benign topic as one repeated.
      // Harmful intent does not wear off: a persistent harmful request is the attack, not a benign topic.
      const seen = c.signalCounts[s] ?? 0;
      const repeat = Math.max(this.repeatFactor, PERSISTENT_REPEAT[s] ?? 0);
      raw += RISK_SIGNAL_WEIGHTS[s] * (strength?.[s] ?? 1) * Math.pow(repeat, seen);
      c.signalCounts[s] = seen + 1;
    }
    const added = Math.max(0, Math.min(raw, this.maxTurnScore - c.turnAdded));
    c.turnAdded += added;
    c.score += added;
    if (added > 0 && traceId && !c.traceIds.includes(traceId)) {
      c.traceIds.push(traceId);
      if (c.traceIds.length > 5) c.traceIds.shift();
    }
    const out: RiskAssessment = { conversationId: id, added, score: c.score, signals, turns: c.turns };
    if (!c.alerted && c.score >= this.threshold) {
      c.alerted = true;
      out.alert = this.alertFor(id, c, time);
    }
    return out;
  }

  /** A model turn: decays the score, then adds this turn's signals. */
  observeTurn(turn: TurnObservation): RiskAssessment {
    const c = this.state(turn.conversationId, turn.time);
    c.score *= this.decayPerTurn * this.idleFactor(turn.time - c.lastTime);
    c.lastTime = Math.max(c.lastTime, turn.time);
    c.turns++;
    c.turnAdded = 0;
    c.injectedResultInTurn = false;
    c.toolErrorsInTurn = 0;
    if (turn.agent) c.agent = turn.agent;
    const signals = new Set<RiskSignal>();
    let strength: Partial<Record<RiskSignal, number>> | undefined;
    if (turn.input) {
      strength = {};
      const n = normalizeText(turn.input, this.maxTextChars);
      for (const s of cueSignals(n.text, n.hidden)) signals.add(s);
      // A harmful request (intent model) or unsafe talk (dialogue model), whichever reads higher.
      const pIntent = this.intent ? this.intent.scoreInto(n.text, this.featureBuffer, this.dialogue, this.pass) : 0;
      const pDialogue = this.dialogue ? (this.intent ? this.pass.also : this.dialogue.score(n.text)) : 0;
      const p = Math.max(pIntent, pDialogue);
      const w = this.intent ? this.featureBuffer.slice(0, this.pass.collected).sort() : features(n.text);
      if (p > CLASSIFIER_FLOOR) {
        signals.add('harmful_intent');
        // Only the intent model, on a chat turn the dialogue model reads as harmless: weaker evidence.
        const alone = this.dialogue && pDialogue <= CLASSIFIER_FLOOR ? INTENT_MODEL_ALONE : 1;
        strength.harmful_intent = ((p - CLASSIFIER_FLOOR) / (1 - CLASSIFIER_FLOOR)) * alone;
        if (c.maxIntent > CLASSIFIER_FLOOR && p > c.lastIntent + 0.15) signals.add('harm_rising');
      }
      if (c.maxIntent > CLASSIFIER_FLOOR && n.text.length < 400 && REFERENCE_BACK.test(n.text)) {
        signals.add('reference_back');
        strength.reference_back = c.maxIntent;
      }
      // Rephrased by wording (shared n-grams), by meaning (both asks read as harmful), or back on
      // a refused topic after a detour (two or more of its content words again); back on a topic the
      // model only hedged on counts if the new ask reads somewhat harmful itself (a summary that
      // mentioned "ethical considerations" is otherwise refined turn after turn).
      const topic = contentWords(n.text);
      if (
        (c.lastTurnRefused && ((c.lastInputWords && jaccard(w, c.lastInputWords) >= 0.25) || (p > CLASSIFIER_FLOOR && c.lastIntent > CLASSIFIER_FLOOR))) ||
        (c.refusedTopic && overlap(topic, c.refusedTopic) >= 2) ||
        (c.hedgedTopic && p > HEDGED_RETURN_MIN_HARM && overlap(topic, c.hedgedTopic) >= 2)
      )
        signals.add('refusal_rephrase');
      c.inputTopic = topic;
      c.lastInputWords = w;
      c.lastIntent = p;
      if (p > c.maxIntent) c.maxIntent = p;
    }
    for (const r of turn.toolResults ?? []) {
      if (this.injected(r)) {
        signals.add('tool_result_injection');
        c.injectedResultInTurn = true;
      }
    }
    const reply = turn.output !== undefined ? normalizeText(turn.output, this.maxTextChars).text : undefined;
    const refused =
      turn.refusal === true ||
      (turn.finishReasons ?? []).some((f) => f === 'content_filter' || f === 'refusal') ||
      (reply !== undefined && (REFUSAL_TEXT.test(reply) || REFUSAL_INSIDE.test(reply.slice(0, 300)) || DEFLECTION.test(reply.slice(0, 300))));
    const cautious = !refused && reply !== undefined && CAUTION.test(reply);
    if (refused) signals.add('refusal');
    else if (cautious) signals.add('model_caution');
    else if (reply && this.dialogue) {
      const q = this.dialogue.score(reply);
      if (q > CLASSIFIER_FLOOR) {
        signals.add('harmful_reply');
        strength ??= {};
        strength.harmful_reply = (q - CLASSIFIER_FLOOR) / (1 - CLASSIFIER_FLOOR);
      }
    }
    // Coming back to a topic the model refused or hedged on is pressing past its pushback.
    if ((refused || cautious) && c.inputTopic) {
      const topics = refused ? (c.refusedTopic ??= new Set()) : (c.hedgedTopic ??= new Set());
      for (const b of c.inputTopic) if (topics.size < 64) topics.add(b);
    }
    c.inputTopic = undefined;
    c.prevTurnRefused = c.lastTurnRefused;
    c.lastTurnRefused = refused;
    return this.add(c, turn.conversationId, signals.size ? [...signals] : [], turn.time, turn.traceId, strength);
  }

  private injected(text: string): boolean {
    const n = normalizeText(text, this.maxTextChars);
    return n.hidden || isOverride(n.text);
  }

  /** A tool execution in the current turn: adds without decaying. */
  observeTool(tool: ToolObservation): RiskAssessment {
    const c = this.state(tool.conversationId, tool.time);
    c.lastTime = Math.max(c.lastTime, tool.time);
    if (tool.agent) c.agent = tool.agent;
    const signals: RiskSignal[] = [];
    if (tool.policyDenied) signals.push('policy_denial');
    if (tool.error) {
      c.toolErrorsInTurn++;
      if (c.toolErrorsInTurn === 3) signals.push('tool_error_burst');
    }
    if (SIDE_EFFECT_TOOL.test(tool.tool) && (c.injectedResultInTurn || c.lastTurnRefused || c.prevTurnRefused)) signals.push('risky_tool_sequence');
    if (tool.result && this.injected(tool.result)) {
      signals.push('tool_result_injection');
      c.injectedResultInTurn = true;
    }
    return this.add(c, tool.conversationId, signals, tool.time, tool.traceId);
  }

  private alertFor(id: string, c: ConversationRisk, time: number): Alert {
    const top = Object.entries(c.signalCounts)
      .sort((a, b) => b[1] - a[1])
      .map(([s]) => s)
      .slice(0, 4);
    return multiTurnAlert({
      detector: 'multi_turn.conversation_risk',
      conversationId: id,
      agent: c.agent,
      message: `Conversation ${id} escalated over ${c.turns} turns (${top.join(', ')}); its combined risk crossed the threshold though no single turn could.`,
      score: Math.round(c.score * 1000) / 1000,
      threshold: this.threshold,
      current: { turns: c.turns, ...(c.signalCounts as Record<string, number>) },
      traceIds: c.traceIds,
      time,
    });
  }
}
