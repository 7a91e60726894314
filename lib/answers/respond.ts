/**
 * Stage 4 of an answer: ask the model and answer — as one JSON object, or as a stream of events
 * (relayed as it comes, or, when resumable, run once by a AnswerRun that readers follow).
 */
import { upstreamMessages } from "../features/feature.ts";
import { ApiError } from "../http/api_error.ts";
import { LlmError } from "../llm/errors.ts";
import { observeDeltas, type StreamReport } from "../llm/observe.ts";
import type { Completion, Delta, LlmClient, ModelRequest, Usage } from "../llm/types.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import { type AnswerStats, httpStatusOf } from "../shared/contract.ts";
import { SSE_HEADERS } from "../sse/encoder.ts";
import { relayDeltas } from "../sse/relay.ts";
import { sseBody } from "../sse/response.ts";
import type { StreamHub } from "../streams/hub.ts";
import type { AnswerRequest } from "./request.ts";
import type { AnswerExtras, OpenTurn } from "./turn.ts";

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
}

function modelRequestFor(
  deps: AnswerDeps,
  request: AnswerRequest,
  turn: OpenTurn,
  signal: AbortSignal,
  onFinish: (finish: { usage?: Usage; finishReason: string }) => void,
): ModelRequest {
  const variable = maxTokensVariable(request.feature.name);
  return {
    messages: upstreamMessages({ ...request.turn, user: turn.user }, turn.context),
    settings: {
      ...request.feature.settings,
      maxTokens: deps.maxTokens[variable] ?? request.feature.settings.maxTokens,
      maxTokensVariable: variable,
    },
    hints: { feature: request.feature.name, language: request.language, inputs: request.turn.demoInputs },
    signal,
    onFinish,
  };
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
  try {
    const signal = AbortSignal.any([asker.signal, deps.stopAll]);
    completion = await deps.llm.complete(
      modelRequestFor(deps, request, turn, signal, (f) => (usage = f.usage)),
    );
  } catch (error) {
    report("error", "", error);
    const { message, code } = describeFailure(error, deps.logger, asker.traceId);
    throw new ApiError(httpStatusOf(code), message, { code });
  }
  const { content, reasoning, finishReason } = completion;
  // Cut at the length limit: kept, and marked as not finished.
  const stats = report("done", content);
  try {
    await save(deps, turn, content, finishReason === "length", reasoning, { stats });
  } catch (error) {
    const { message, code } = describeFailure(error, deps.logger, asker.traceId);
    throw new ApiError(503, message, { code });
  }
  deps.logger("info", "answer complete", {
    traceId: asker.traceId,
    clientTraceId: asker.clientTraceId,
    feature: request.feature.name,
    mode: "json",
    characters: content.length,
  });
  return Response.json(
    { content, ...(reasoning ? { reasoning } : {}), finish_reason: finishReason, stats },
    { headers: { "cache-control": "no-store" } },
  );
}

/**
 * The answer as an SSE stream. `release` gives back the answer's slot once it has ended; a
 * resumable answer runs on its own (its claim is then the AnswerRun's), others end with their
 * connection.
 */
export async function answerAsStream(
  deps: AnswerDeps,
  request: AnswerRequest,
  turn: OpenTurn,
  asker: Asker,
  release: () => void,
): Promise<Response> {
  const answerId = request.answerId;
  let usage: Usage | undefined;
  let finishReason: string | undefined;
  // A resumable answer outlives its first connection; any other ends with it.
  const signal = answerId ? deps.stopAll : AbortSignal.any([asker.signal, deps.stopAll]);
  const modelRequest = modelRequestFor(deps, request, turn, signal, (finish) => {
    usage = finish.usage;
    finishReason = finish.finishReason;
  });
  const source = request.incremental
    ? deps.llm.stream(modelRequest)
    : completeAsStream(deps.llm, modelRequest);
  deps.metrics.streamOpened();
  let stats: AnswerStats | undefined;
  const deltas = observeDeltas(source, async (ended) => {
    // The client's own abort can reach the model's stream first, as an error: it left.
    const gone = !answerId && ended.outcome === "error" && asker.signal.aborted && !deps.stopAll.aborted;
    const report: StreamReport = gone
      ? { ...ended, outcome: "cancelled", cancelReason: "client_gone" }
      : ended;
    release();
    deps.metrics.streamClosed();
    stats = deps.metrics.answer(request.feature.name, "stream", report, usage);
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
  }, { flushMs: deps.flushMs });
  if (answerId) {
    try {
      await deps.streams.launch(answerId, deltas, () => stats, () => finishReason);
    } catch (error) {
      await deltas.cancel(error);
      throw error;
    }
    return new Response(sseBody(deps.streams.read(answerId, 0), deps.keepAliveMs), {
      headers: SSE_HEADERS,
    });
  }
  const events = relayDeltas(deltas, {
    keepAliveMs: deps.keepAliveMs,
    describeError: (error) => describeFailure(error, deps.logger, asker.traceId),
    stats: () => stats,
    finishReason: () => finishReason,
  });
  return new Response(events, { headers: SSE_HEADERS });
}

/** With streaming switched off, `-stream` endpoints still answer: the thinking and the text as one event each. */
function completeAsStream(llm: LlmClient, request: ModelRequest): ReadableStream<Delta> {
  const abort = new AbortController();
  request.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  return new ReadableStream<Delta>({
    async pull(controller) {
      const { content, reasoning } = await llm.complete({ ...request, signal: abort.signal });
      if (reasoning) controller.enqueue({ kind: "reasoning", text: reasoning });
      controller.enqueue({ kind: "content", text: content });
      controller.close();
    },
    cancel() {
      abort.abort();
    },
  }, { highWaterMark: 0 });
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
): { message: string; code: string } {
  if (error instanceof LlmError) return { message: error.message, code: error.code };
  if (error instanceof StorageError) return { message: error.message, code: "storage" };
  logger("error", "unexpected stream failure", { traceId, error: String(error) });
  return { message: "The answer failed unexpectedly.", code: "internal" };
}
