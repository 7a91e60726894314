/**
 * Stage 4 of an answer: ask the model and answer — as one JSON object, or as a stream of events
 * (relayed as it comes, or, when resumable, run once by an AnswerRun that readers follow).
 */
import { CONTEXT_MESSAGES, upstreamMessages } from "../features/feature.ts";
import { fitContext } from "./fit_context.ts";
import { ApiError } from "../http/api_error.ts";
import { LlmError } from "../llm/errors.ts";
import { observeDeltas, type StreamReport } from "../llm/observe.ts";
import type { Completion, Delta, LlmClient, ModelRequest, ModelStream, Usage } from "../llm/types.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import { type AnswerStats, httpStatusOf } from "../shared/contract.ts";
import { SSE_HEADERS } from "../sse/encoder.ts";
import { type NumberedEvent, relayDeltas } from "../sse/relay.ts";
import { sseBody } from "../sse/response.ts";
import type { StreamHub } from "../streams/hub.ts";
import type { AnswerRequest } from "./request.ts";
import { recipeOf } from "./handover.ts";
import type { AnswerExtras, AnswerPlace, OpenTurn } from "./turn.ts";

export interface AnswerDeps {
  llm: LlmClient;
  logger: Logger;
  metrics: Metrics;
  streams: StreamHub;
  keepAliveMs: number;
  /** Deltas within this many milliseconds of the last one sent go out together (STREAMING_FLUSH_MS). */
  flushMs: number;
  /** Ends every running answer (shutdown), with its reason as the error readers see. */
  stopAll: AbortSignal;
  /** Length budgets set by the environment, by variable name (MAX_TOKENS_<FEATURE>). */
  maxTokens: Record<string, number>;
}

/** The variable that sets a feature's length budget: MAX_TOKENS_STORY_GENERATOR for story-generator. */
export function maxTokensVariable(feature: string): string {
  return `MAX_TOKENS_${feature.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}

/** The one answer's context: who asked, and when the asking client goes away. */
export interface Asker {
  traceId: string;
  /** The client's own id for it, when it sent one. */
  clientTraceId?: string;
  /** Aborted when the client's connection closes. */
  signal: AbortSignal;
  /** The client's address (the limits count by it). */
  address?: string;
}

/**
 * The request to the model: the system prompt, the earlier turns that fit its context, the
 * question, and the answer's length budget (lowered when the context leaves less); `dropped` says
 * how many earlier messages were left out for room.
 */
async function modelRequestFor(
  deps: AnswerDeps,
  request: AnswerRequest,
  turn: OpenTurn,
  signal: AbortSignal,
  onFinish: (finish: { usage?: Usage; finishReason: string }) => void,
): Promise<{ modelRequest: ModelRequest; dropped: number; remembered: number }> {
  const variable = maxTokensVariable(request.feature.name);
  const budget = deps.maxTokens[variable] ?? request.feature.settings.maxTokens;
  const history = turn.context.slice(-CONTEXT_MESSAGES);
  const window = await deps.llm.window.tokens(await deps.llm.resolveModel().catch(() => ""));
  const fitted = await fitContext(
    { system: request.turn.system, history, user: turn.user, maxTokens: budget },
    window,
    (text) => deps.llm.window.count(text),
  );
  return {
    modelRequest: {
      messages: upstreamMessages({ ...request.turn, user: turn.user }, fitted.history),
      settings: { ...request.feature.settings, maxTokens: fitted.maxTokens, maxTokensVariable: variable },
      hints: { feature: request.feature.name, language: request.language, inputs: request.turn.demoInputs },
      signal,
      onFinish,
    },
    dropped: fitted.dropped,
    remembered: fitted.history.length,
  };
}

/** What the page says of the context: how many earlier messages the model got, when some were left out. */
function contextNote(fit: { dropped: number; remembered: number } | undefined): Partial<AnswerStats> {
  return fit && fit.dropped > 0 ? { remembered: fit.remembered, forgotten: fit.dropped } : {};
}

/** Who answered, kept with the answer: the model, and its server when known. */
function answeredBy(llm: LlmClient): Partial<AnswerStats> {
  const label = [llm.model, llm.provider === "demo" ? undefined : llm.server].filter(Boolean).join(" · ");
  return label ? { model: label } : {};
}

/**
 * A failure before any word of the answer: kept as a failed turn (the page offers Retry, or a new
 * chat, after a reload), and answered as an HTTP error. A conversation the model server found too
 * long makes the window be asked again next time.
 */
async function failedBeforeAWord(
  deps: AnswerDeps,
  turn: OpenTurn,
  error: unknown,
  asker: Asker,
): Promise<ApiError> {
  const described = describeFailure(error, deps.logger, asker.traceId);
  if (described.code === "context_full") deps.llm.window.forget();
  await save(deps, turn, "", true, "", { error: described.code }).catch(() => {});
  return failureResponse(described);
}

/** Saves the answer; a save that fails for good is raised, so the reader hears of it (`storage`). */
async function save(
  deps: AnswerDeps,
  turn: OpenTurn,
  text: string,
  incomplete: boolean,
  reasoning: string,
  extras?: AnswerExtras,
): Promise<void> {
  let ending;
  try {
    ending = await turn.saveAnswer(text, incomplete, reasoning, extras);
  } catch (error) {
    deps.logger("error", "could not save an answer", { error: String(error) });
    throw new StorageError(error);
  }
  // Someone else ended this answer first (its instance was taken for dead): theirs stands.
  if (ending === "fenced") deps.logger("warn", "an answer ended elsewhere first: this copy was not kept");
}

/** The answer (or its question) could not be stored, even after the store's retries. */
export class StorageError extends Error {
  constructor(override readonly cause: unknown) {
    super("The answer could not be saved. Try again.");
    this.name = "StorageError";
  }
}

/** The whole answer from one model call, as `{"content", "stats"}`. */
export async function answerAsJson(
  deps: AnswerDeps,
  request: AnswerRequest,
  turn: OpenTurn,
  asker: Asker,
): Promise<Response> {
  const started = performance.now();
  let usage: Usage | undefined;
  const report = (outcome: "done" | "error", text: string, error?: unknown) =>
    deps.metrics.answer(request.feature.name, "json", {
      outcome,
      text,
      reasoning: "",
      characters: text.length,
      durationMs: performance.now() - started,
      error,
    }, usage);
  let completion: Completion;
  let fit: Awaited<ReturnType<typeof modelRequestFor>> | undefined;
  try {
    const signal = AbortSignal.any([asker.signal, deps.stopAll]);
    fit = await modelRequestFor(deps, request, turn, signal, (f) => (usage = f.usage));
    completion = await deps.llm.complete(fit.modelRequest);
  } catch (error) {
    report("error", "", error);
    throw await failedBeforeAWord(deps, turn, error, asker);
  }
  const { content, reasoning, finishReason } = completion;
  // Cut at the length limit: kept, and marked as not finished.
  const stats = { ...report("done", content), ...contextNote(fit), ...answeredBy(deps.llm) };
  try {
    await save(deps, turn, content, finishReason === "length", reasoning, { stats });
  } catch (error) {
    throw failureResponse(describeFailure(error, deps.logger, asker.traceId));
  }
  deps.logger("info", "answer complete", {
    traceId: asker.traceId,
    clientTraceId: asker.clientTraceId,
    feature: request.feature.name,
    mode: "json",
    characters: content.length,
  });
  const place = await turn.place();
  return Response.json(
    {
      content,
      ...(reasoning ? { reasoning } : {}),
      finish_reason: finishReason,
      stats,
      ...(place ? { conversation_id: place.conversationId, turn_id: place.turnId } : {}),
    },
    { headers: { "cache-control": "no-store" } },
  );
}

/**
 * The answer as an SSE stream. `release` gives back the answer's slot once it has ended; a
 * resumable answer runs on its own (its claim is then the AnswerRun's), others end with their
 * connection. `takenOver`: the answer goes on from another instance's, after these events (read
 * by nobody here yet: the response is empty).
 */
export async function answerAsStream(
  deps: AnswerDeps,
  request: AnswerRequest,
  turn: OpenTurn,
  asker: Asker,
  release: () => void,
  takenOver?: NumberedEvent[],
): Promise<Response> {
  const answerId = request.answerId;
  // Times are from the request: the model server taking it is part of the wait for the first word.
  const startedAt = performance.now();
  let usage: Usage | undefined;
  let finishReason: string | undefined;
  // A resumable answer outlives its first connection; any other ends with it.
  const signal = answerId ? deps.stopAll : AbortSignal.any([asker.signal, deps.stopAll]);
  let fit: Awaited<ReturnType<typeof modelRequestFor>> | undefined;
  let source: ModelStream | undefined;
  try {
    fit = await modelRequestFor(deps, request, turn, signal, (finish) => {
      usage = finish.usage;
      finishReason = finish.finishReason;
    });
    source = request.incremental
      ? deps.llm.stream(fit.modelRequest)
      : completeAsStream(deps.llm, fit.modelRequest);
    // The event stream is committed (200) only once the model server took the request: a refusal
    // before any word is an HTTP error with its status (429, 502, 503, 504; 413 for a
    // conversation that cannot fit) and the JSON error body, which an EventSource does not retry.
    await source.accepted;
  } catch (error) {
    await source?.cancel().catch(() => {});
    release();
    deps.metrics.answer(request.feature.name, "stream", {
      outcome: "error",
      text: "",
      reasoning: "",
      characters: 0,
      durationMs: performance.now() - startedAt,
      error,
    });
    throw await failedBeforeAWord(deps, turn, error, asker);
  }
  const note = { ...contextNote(fit), ...answeredBy(deps.llm) };
  deps.metrics.streamOpened();
  let stats: AnswerStats | undefined;
  let place: AnswerPlace | undefined;
  const deltas = observeDeltas(source, async (ended) => {
    // The client's own abort can reach the model's stream first, as an error: it left.
    const gone = !answerId && ended.outcome === "error" && asker.signal.aborted && !deps.stopAll.aborted;
    const report: StreamReport = gone
      ? { ...ended, outcome: "cancelled", cancelReason: "client_gone" }
      : ended;
    release();
    deps.metrics.streamClosed();
    stats = { ...deps.metrics.answer(request.feature.name, "stream", report, usage), ...note };
    logStreamEnd(deps.logger, report, {
      traceId: asker.traceId,
      clientTraceId: asker.clientTraceId,
      feature: request.feature.name,
    });
    await save(
      deps,
      turn,
      report.text,
      report.outcome !== "done" || finishReason === "length",
      report.reasoning,
      {
        stats,
        error: report.outcome === "error" ? failureCode(report.error) : undefined,
      },
    );
    place = await turn.place();
  }, { flushMs: deps.flushMs, startedAt });
  if (answerId) {
    try {
      await deps.streams.launch(answerId, deltas, {
        stats: () => stats,
        end: () => ({ finishReason, ...place }),
        // Cut by a shutdown before it ended: another instance goes on from where it was kept.
        recipe: async () => {
          const where = place ?? await turn.place();
          return finishReason === undefined && where && asker.address !== undefined
            ? recipeOf(request, where, asker.address)
            : undefined;
        },
        after: takenOver,
      });
    } catch (error) {
      await deltas.cancel(error);
      throw error;
    }
    if (takenOver) return new Response(null, { status: 204 });
    return new Response(sseBody(deps.streams.read(answerId, 0), deps.keepAliveMs), {
      headers: SSE_HEADERS,
    });
  }
  const events = relayDeltas(deltas, {
    keepAliveMs: deps.keepAliveMs,
    describeError: (error) => describeFailure(error, deps.logger, asker.traceId),
    stats: () => stats,
    end: () => ({ finishReason, ...place }),
  });
  return new Response(events, { headers: SSE_HEADERS });
}

/** With streaming switched off, `-stream` endpoints still answer: the thinking and the text as one event each. */
function completeAsStream(llm: LlmClient, request: ModelRequest): ModelStream {
  const abort = new AbortController();
  request.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  // Asked at once: the whole answer is what the model server accepting the request means here.
  const completion = llm.complete({ ...request, signal: abort.signal });
  const accepted = completion.then(() => undefined);
  accepted.catch(() => {});
  const deltas = new ReadableStream<Delta>({
    async pull(controller) {
      const { content, reasoning } = await completion;
      if (reasoning) controller.enqueue({ kind: "reasoning", text: reasoning });
      controller.enqueue({ kind: "content", text: content });
      controller.close();
    },
    cancel() {
      abort.abort();
    },
  }, { highWaterMark: 0 });
  return Object.assign(deltas, { accepted });
}

function logStreamEnd(logger: Logger, report: StreamReport, fields: Record<string, unknown>): void {
  logger(report.outcome === "error" ? "warn" : "info", "stream ended", {
    ...fields,
    outcome: report.outcome,
    characters: report.characters,
    firstChunkMs: report.firstChunkMs && Math.round(report.firstChunkMs),
    durationMs: Math.round(report.durationMs),
    code: report.error instanceof LlmError ? report.error.code : undefined,
  });
}

/** A failure's code on the wire, without logging it (again). */
function failureCode(error: unknown): string {
  return error instanceof LlmError ? error.code : "internal";
}

/** What a failure is called on the wire: the model server's failures by code, anything else "internal". */
export function describeFailure(
  error: unknown,
  logger: Logger,
  traceId?: string,
): { message: string; code: string; serverMessage?: string; retryAfterSeconds?: number } {
  if (error instanceof LlmError) {
    return {
      message: error.message,
      code: error.code,
      serverMessage: error.serverMessage,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof StorageError) return { message: error.message, code: "storage" };
  if (error instanceof ApiError) {
    return {
      message: error.message,
      code: error.details.code ?? "internal",
      serverMessage: error.details.serverMessage,
    };
  }
  logger("error", "unexpected stream failure", { traceId, error: String(error) });
  return { message: "The answer failed unexpectedly.", code: "internal" };
}

/** A failure before any of the answer was sent, as the API says it: its status, code, words, Retry-After. */
export function failureResponse(
  { message, code, serverMessage, retryAfterSeconds }: ReturnType<typeof describeFailure>,
): ApiError {
  return new ApiError(httpStatusOf(code), message, {
    code,
    serverMessage,
    ...(retryAfterSeconds ? { headers: { "retry-after": String(retryAfterSeconds) } } : {}),
  });
}
