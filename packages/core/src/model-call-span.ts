import {
  context,
  createNoopMeter,
  metrics,
  SpanKind,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Histogram,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { AgentIdentity } from './agent-context';
import type { ContentPolicy, InputMessage, MessagePart, OutputMessage } from './content';
import { boundedName, MAX_NAME_LENGTH } from './names';
import { reportInternalError } from './registry';
import * as A from './semconv';
import { recordSpanFailure } from './span-failure';

export interface ModelRequestParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  seed?: number;
  choiceCount?: number;
  encodingFormats?: string[];
  outputType?: string;
}

export interface ModelCallStart {
  operation: string;
  provider: string;
  requestModel?: string;
  serverAddress?: string;
  serverPort?: number;
  request?: ModelRequestParams;
  agent?: AgentIdentity;
  streaming?: boolean;
  /** Parent context; defaults to the active one. */
  parentContext?: Context;
}

export interface ModelUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

export interface RequestedToolCall {
  id?: string;
  name: string;
  arguments?: unknown;
}

export interface ModelResponse {
  id?: string;
  model?: string;
  finishReasons?: string[];
  usage?: ModelUsage;
  toolCalls?: RequestedToolCall[];
  outputMessages?: OutputMessage[];
  /** Characters of generated text (recorded always: it is a size, not content). */
  outputLength?: number;
  refusal?: boolean;
  embeddingDimensions?: number;
}

export type StreamOutcome = 'completed' | 'broken' | 'aborted' | 'error' | 'abandoned';

let tokenUsage: Histogram | undefined;
let operationDuration: Histogram | undefined;
let meterProviderSeen: unknown;
/** True while the instruments come from the no-op meter: recording them would do nothing. */
let instrumentsAreNoop = false;

/** Brings tokenUsage/operationDuration up to date; false when they would record nothing. */
function updateInstruments(): boolean {
  // Re-create instruments if the global MeterProvider changed (monitor() set one later).
  const provider = metrics.getMeterProvider();
  if (!tokenUsage || !operationDuration || provider !== meterProviderSeen) {
    meterProviderSeen = provider;
    const meter = metrics.getMeter('@warden/core');
    instrumentsAreNoop = meter === createNoopMeter();
    tokenUsage = meter.createHistogram(A.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: A.TOKEN_USAGE_BUCKETS },
    });
    operationDuration = meter.createHistogram(A.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: A.OPERATION_DURATION_BUCKETS },
    });
  }
  return !instrumentsAreNoop;
}

export function agentAttributes(agent: AgentIdentity | undefined): Attributes {
  const attrs: Attributes = {};
  if (agent)
    setAgentAttributes(
      {
        setAttribute(key, value) {
          attrs[key] = value;
        },
      },
      agent,
    );
  return attrs;
}

/** Where agent attributes are written: a span, or an attribute object (agentAttributes). */
interface AttributeSink {
  setAttribute(key: string, value: AttributeValue): unknown;
}

function setAgentAttributes(sink: AttributeSink, agent: AgentIdentity): void {
  sink.setAttribute(A.ATTR_GEN_AI_AGENT_NAME, boundedName(agent.name));
  if (agent.id) sink.setAttribute(A.ATTR_GEN_AI_AGENT_ID, boundedName(agent.id));
  if (agent.version) sink.setAttribute(A.ATTR_GEN_AI_AGENT_VERSION, boundedName(agent.version));
  if (agent.conversationId) sink.setAttribute(A.ATTR_GEN_AI_CONVERSATION_ID, boundedName(agent.conversationId));
  if (agent.promptVersion) sink.setAttribute(A.ATTR_WARDEN_PROMPT_VERSION, boundedName(agent.promptVersion));
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** Counts (tokens, lengths) are finite and not negative; anything else is not recorded. */
function count(n: unknown): n is number {
  return finite(n) && n >= 0;
}

/** The non-empty string reasons, bounded; undefined when there are none (one array, built only when needed). */
function finishReasonsOf(reasons: readonly unknown[] | undefined): string[] | undefined {
  if (!reasons) return undefined;
  let out: string[] | undefined;
  for (let i = 0; i < reasons.length; i++) {
    const r = reasons[i];
    if (typeof r === 'string' && r.length > 0) (out ??= []).push(boundedName(r));
  }
  return out;
}

/** The call's attributes that are not sampling-relevant, set on its started span. */
function setRequestAttributes(span: Span, start: ModelCallStart, contentCaptured: boolean): void {
  if (start.agent) setAgentAttributes(span, start.agent);
  if (start.streaming) span.setAttribute(A.ATTR_WARDEN_STREAM, true);
  const r = start.request;
  if (r) {
    if (finite(r.maxTokens)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, r.maxTokens);
    if (finite(r.temperature)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, r.temperature);
    if (finite(r.topP)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_TOP_P, r.topP);
    if (finite(r.topK)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_TOP_K, r.topK);
    if (finite(r.frequencyPenalty)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, r.frequencyPenalty);
    if (finite(r.presencePenalty)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, r.presencePenalty);
    if (finite(r.seed)) span.setAttribute(A.ATTR_GEN_AI_REQUEST_SEED, r.seed);
    if (finite(r.choiceCount) && r.choiceCount !== 1) span.setAttribute(A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT, r.choiceCount);
    if (r.stopSequences?.length) span.setAttribute(A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, r.stopSequences);
    if (r.encodingFormats?.length) span.setAttribute(A.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, r.encodingFormats);
    if (r.outputType) span.setAttribute(A.ATTR_GEN_AI_OUTPUT_TYPE, r.outputType);
  }
  span.setAttribute(A.ATTR_WARDEN_CONTENT_CAPTURED, contentCaptured);
}

/**
 * The span of one model call, shared by every wrapper: named `{operation} {model}`, kind
 * CLIENT, GenAI attributes, ended exactly once. Every method is safe to call in any order
 * and never throws into the host app.
 */
export class ModelCallSpan {
  readonly span: Span;
  /** Read right after the span starts, so time to first chunk never exceeds the span's duration. */
  private readonly startedAt: number;
  private firstChunkAt: number | undefined;
  private ended = false;
  /** False when the span is another instrumentation's (adopted): its owner ends it. */
  private readonly ownsSpan: boolean;
  private usage: ModelUsage | undefined;
  private responseModel: string | undefined;
  private errorType: string | undefined;

  /**
   * `source` is a tracer to start the call's own span with, or `{ adopt: span }`: another
   * instrumentation's span of the same call (the AI SDK's `ai.generateText.doGenerate`), which
   * then carries the GenAI attributes instead of a second span, and is ended by its owner.
   */
  constructor(
    source: Tracer | { adopt: Span },
    readonly start: ModelCallStart,
    readonly content: ContentPolicy,
    /** The active context, when the caller has already read it (start.parentContext still wins). */
    active?: Context,
  ) {
    // Names are identifiers that ride on every span and metric point: bounded before anything reads them.
    if (start.requestModel !== undefined && start.requestModel.length > MAX_NAME_LENGTH) start.requestModel = boundedName(start.requestModel);
    if (start.provider.length > MAX_NAME_LENGTH) start.provider = boundedName(start.provider);
    if (start.serverAddress !== undefined && start.serverAddress.length > MAX_NAME_LENGTH) start.serverAddress = boundedName(start.serverAddress);
    // The attributes the GenAI conventions name as sampling-relevant go to startSpan (a sampler
    // sees them); the rest are set on the span it returns: the SDK copies start attributes twice
    // (sanitised, then into the span), and a sampled-out span takes nothing.
    const attrs: Attributes = {};
    attrs[A.ATTR_GEN_AI_OPERATION_NAME] = start.operation;
    attrs[A.ATTR_GEN_AI_PROVIDER_NAME] = start.provider;
    if (start.requestModel) attrs[A.ATTR_GEN_AI_REQUEST_MODEL] = start.requestModel;
    if (start.serverAddress) attrs[A.ATTR_SERVER_ADDRESS] = start.serverAddress;
    if (finite(start.serverPort)) attrs[A.ATTR_SERVER_PORT] = start.serverPort;

    if ('adopt' in source) {
      this.ownsSpan = false;
      this.span = source.adopt;
      this.span.setAttributes(attrs);
    } else {
      this.ownsSpan = true;
      const name = start.requestModel ? `${start.operation} ${start.requestModel}` : start.operation;
      this.span = source.startSpan(name, { kind: SpanKind.CLIENT, attributes: attrs }, start.parentContext ?? active ?? context.active());
    }
    if (this.span.isRecording()) setRequestAttributes(this.span, start, content.enabled);
    this.startedAt = performance.now();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The parent context with this span active, for work done on behalf of the call. */
  context(): Context {
    return trace.setSpan(this.start.parentContext ?? context.active(), this.span);
  }

  /** Content attributes of the request; recorded only when capture is on. */
  recordInput(input: { messages?: InputMessage[]; systemInstructions?: MessagePart[]; toolDefinitions?: unknown[] }): void {
    if (!this.content.enabled || this.ended) return;
    try {
      if (input.messages?.length) this.setIfDefined(A.ATTR_GEN_AI_INPUT_MESSAGES, this.content.serialize(input.messages));
      if (input.systemInstructions?.length) this.setIfDefined(A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, this.content.serialize(input.systemInstructions));
      if (input.toolDefinitions?.length) this.setIfDefined(A.ATTR_GEN_AI_TOOL_DEFINITIONS, this.content.serialize(input.toolDefinitions));
    } catch (error) {
      reportInternalError('core.recordInput', error);
    }
  }

  recordFirstChunk(): void {
    if (this.firstChunkAt !== undefined || this.ended) return;
    this.firstChunkAt = performance.now();
    this.span.setAttribute(A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (this.firstChunkAt - this.startedAt) / 1000);
  }

  recordResponse(res: ModelResponse): void {
    if (this.ended) return;
    try {
      this.setResponse(res);
    } catch (error) {
      reportInternalError('core.recordResponse', error);
    }
  }

  private setResponse(res: ModelResponse): void {
    const s = this.span;
    if (res.id) s.setAttribute(A.ATTR_GEN_AI_RESPONSE_ID, boundedName(String(res.id)));
    if (res.model) {
      this.responseModel = boundedName(String(res.model));
      s.setAttribute(A.ATTR_GEN_AI_RESPONSE_MODEL, this.responseModel);
    }
    const reasons = finishReasonsOf(res.finishReasons);
    if (reasons) s.setAttribute(A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, reasons);
    const u = res.usage;
    if (u) {
      this.usage = u;
      if (count(u.inputTokens)) s.setAttribute(A.ATTR_GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens);
      if (count(u.outputTokens)) s.setAttribute(A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, u.outputTokens);
      if (count(u.cacheReadInputTokens)) s.setAttribute(A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheReadInputTokens);
      if (count(u.cacheCreationInputTokens)) s.setAttribute(A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, u.cacheCreationInputTokens);
    }
    if (res.toolCalls) {
      // Names are not content: always recorded, so the analyzer sees tool use.
      s.setAttribute(
        A.ATTR_WARDEN_TOOL_CALLS_NAMES,
        res.toolCalls.map((t) => boundedName(String(t.name))),
      );
      s.setAttribute(A.ATTR_WARDEN_TOOL_CALLS_COUNT, res.toolCalls.length);
    }
    if (count(res.outputLength)) s.setAttribute(A.ATTR_WARDEN_OUTPUT_LENGTH, res.outputLength);
    if (res.refusal) s.setAttribute(A.ATTR_WARDEN_REFUSAL, true);
    if (count(res.embeddingDimensions)) s.setAttribute(A.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, res.embeddingDimensions);
    if (this.content.enabled && res.outputMessages?.length) this.setIfDefined(A.ATTR_GEN_AI_OUTPUT_MESSAGES, this.content.serialize(res.outputMessages));
  }

  recordError(err: unknown): void {
    if (this.ended) return;
    this.errorType = recordSpanFailure(this.span, err, undefined, this.content);
  }

  /** Ends the span once; later calls do nothing. */
  end(outcome?: StreamOutcome): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (outcome) this.span.setAttribute(A.ATTR_WARDEN_STREAM_OUTCOME, outcome);
      this.recordMetrics();
      if (this.ownsSpan) this.span.end();
    } catch (error) {
      reportInternalError('core.endSpan', error);
    }
  }

  private recordMetrics(): void {
    // Without a MeterProvider the histograms are no-ops: skip building their attributes.
    if (!updateInstruments()) return;
    const attrs = this.metricAttributes();
    if (this.errorType) {
      const durationAttrs = this.metricAttributes();
      durationAttrs[A.ATTR_ERROR_TYPE] = this.errorType;
      operationDuration!.record((performance.now() - this.startedAt) / 1000, durationAttrs);
    } else operationDuration!.record((performance.now() - this.startedAt) / 1000, attrs);
    const u = this.usage;
    if (u && count(u.inputTokens)) {
      const input = this.metricAttributes();
      input[A.ATTR_GEN_AI_TOKEN_TYPE] = 'input';
      tokenUsage!.record(u.inputTokens, input);
    }
    if (u && count(u.outputTokens)) {
      const output = this.metricAttributes();
      output[A.ATTR_GEN_AI_TOKEN_TYPE] = 'output';
      tokenUsage!.record(u.outputTokens, output);
    }
  }

  /** A fresh copy of the attributes every metric point of this call carries. */
  private metricAttributes(): Attributes {
    const attrs: Attributes = {};
    attrs[A.ATTR_GEN_AI_OPERATION_NAME] = this.start.operation;
    attrs[A.ATTR_GEN_AI_PROVIDER_NAME] = this.start.provider;
    if (this.start.requestModel) attrs[A.ATTR_GEN_AI_REQUEST_MODEL] = this.start.requestModel;
    if (this.responseModel) attrs[A.ATTR_GEN_AI_RESPONSE_MODEL] = this.responseModel;
    if (this.start.serverAddress) attrs[A.ATTR_SERVER_ADDRESS] = this.start.serverAddress;
    return attrs;
  }

  private setIfDefined(key: string, value: string | undefined): void {
    if (value !== undefined) this.span.setAttribute(key, value);
  }
}

/** Start a model-call span (see ModelCallSpan). */
export function startModelCallSpan(tracer: Tracer, start: ModelCallStart, content: ContentPolicy, active?: Context): ModelCallSpan {
  return new ModelCallSpan(tracer, start, content, active);
}

/**
 * Record a model call on `span`, a span another instrumentation started for the same call
 * and will end itself: one span carries the call instead of two (whose gen_ai.usage.* a
 * backend would add up twice).
 */
export function adoptModelCallSpan(span: Span, start: ModelCallStart, content: ContentPolicy): ModelCallSpan {
  return new ModelCallSpan({ adopt: span }, start, content);
}
