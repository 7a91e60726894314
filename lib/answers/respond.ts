/**
 * Stage 4 of an answer: ask the model and answer — as one JSON object, or as a stream of events
 * (relayed as it comes, or, when resumable, run once by a Generation that readers follow).
 */
import { upstreamMessages } from "../features/feature.ts";
import { ApiError } from "../http/api_error.ts";
import { LlmError } from "../llm/errors.ts";
import { observeDeltas, type StreamReport } from "../llm/observe.ts";
import type { GenerationRequest, LlmClient, Usage } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { AnswerStats, Metrics } from "../metrics.ts";
import { SSE_HEADERS } from "../sse/encoder.ts";
import { relayDeltas } from "../sse/relay.ts";
import { sseBody } from "../sse/response.ts";
import type { StreamHub } from "../streams/hub.ts";
import type { AnswerRequest } from "./request.ts";
import type { OpenTurn } from "./turn.ts";

export interface AnswerDeps {
  llm: LlmClient;
  log: Logger;
  metrics: Metrics;
  streams: StreamHub;
  keepAliveMs: number;
  /** Ends every running answer (shutdown), with its reason as the error readers see. */
  stopAll: AbortSignal;
}

/** The one answer's context: who asked, and when the asking client goes away. */
export interface Asker {
  requestId: string;
  /** The client's own id for it, when it sent one. */
  clientRequestId?: string;
  /** Aborted when the client's connection closes. */
  signal: AbortSignal;
}

function generationRequest(
  request: AnswerRequest,
  turn: OpenTurn,
  signal: AbortSignal,
  onUsage: (usage: Usage | undefined) => void,
): GenerationRequest {
  return {
    messages: upstreamMessages(request.turn, turn.context),
    settings: request.feature.settings,
    hints: { feature: request.feature.name, language: request.language, inputs: request.turn.demoInputs },
    signal,
    onFinish: (info) => onUsage(info.usage),
  };
}

async function save(deps: AnswerDeps, turn: OpenTurn, text: string, incomplete: boolean): Promise<void> {
  try {
    await turn.saveAnswer(text, incomplete);
  } catch (error) {
    deps.log("error", "could not save an answer", { error: String(error) });
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
      characters: text.length,
      durationMs: performance.now() - started,
      error,
    }, usage);
  let content: string;
  try {
    const signal = AbortSignal.any([asker.signal, deps.stopAll]);
    content = await deps.llm.complete(generationRequest(request, turn, signal, (u) => (usage = u)));
  } catch (error) {
    report("error", "", error);
    const { message, code } = describeFailure(error, deps.log, asker.requestId);
    throw new ApiError(STATUS_BY_CODE[code] ?? 502, message, { code });
  }
  await save(deps, turn, content, false);
  const stats = report("done", content);
  deps.log("info", "answer complete", {
    requestId: asker.requestId,
    clientRequestId: asker.clientRequestId,
    feature: request.feature.name,
    mode: "json",
    characters: content.length,
  });
  return Response.json({ content, stats }, { headers: { "cache-control": "no-store" } });
}

/**
 * The answer as an SSE stream. `release` gives back the answer's slot once it has ended; a
 * resumable answer runs on its own (its claim is then the Generation's), others end with their
 * connection.
 */
export async function answerAsStream(
  deps: AnswerDeps,
  request: AnswerRequest,
  turn: OpenTurn,
  asker: Asker,
  release: () => void,
): Promise<Response> {
  const resumableId = request.resumableId;
  let usage: Usage | undefined;
  // A resumable answer outlives its first connection; any other ends with it.
  const signal = resumableId ? deps.stopAll : AbortSignal.any([asker.signal, deps.stopAll]);
  const generation = generationRequest(request, turn, signal, (u) => (usage = u));
  const source = request.streaming ? deps.llm.stream(generation) : completeAsStream(deps.llm, generation);
  deps.metrics.streamOpened();
  let stats: AnswerStats | undefined;
  const deltas = observeDeltas(source, async (ended) => {
    // The client's own abort can reach the model's stream first, as an error: it left.
    const gone = !resumableId && ended.outcome === "error" && asker.signal.aborted && !deps.stopAll.aborted;
    const report: StreamReport = gone
      ? { ...ended, outcome: "cancelled", cancelReason: "client_gone" }
      : ended;
    release();
    deps.metrics.streamClosed();
    stats = deps.metrics.answer(request.feature.name, "stream", report, usage);
    logStreamEnd(deps.log, report, {
      requestId: asker.requestId,
      clientRequestId: asker.clientRequestId,
      feature: request.feature.name,
    });
    await save(deps, turn, report.text, report.outcome !== "done");
  });
  if (resumableId) {
    try {
      await deps.streams.launch(resumableId, deltas, () => stats);
    } catch (error) {
      await deltas.cancel(error);
      throw error;
    }
    return new Response(sseBody(deps.streams.read(resumableId, 0), deps.keepAliveMs), {
      headers: SSE_HEADERS,
    });
  }
  const events = relayDeltas(deltas, {
    keepAliveMs: deps.keepAliveMs,
    describeError: (error) => describeFailure(error, deps.log, asker.requestId),
    stats: () => stats,
  });
  return new Response(events, { headers: SSE_HEADERS });
}

/** With streaming switched off, `-stream` endpoints still answer: the whole text as one event. */
function completeAsStream(llm: LlmClient, request: GenerationRequest): ReadableStream<string> {
  const abort = new AbortController();
  request.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  return new ReadableStream<string>({
    async pull(controller) {
      controller.enqueue(await llm.complete({ ...request, signal: abort.signal }));
      controller.close();
    },
    cancel() {
      abort.abort();
    },
  }, { highWaterMark: 0 });
}

function logStreamEnd(log: Logger, report: StreamReport, fields: Record<string, unknown>): void {
  log(report.outcome === "error" ? "warn" : "info", "stream ended", {
    ...fields,
    outcome: report.outcome,
    characters: report.characters,
    firstChunkMs: report.firstChunkMs && Math.round(report.firstChunkMs),
    durationMs: Math.round(report.durationMs),
    code: report.error instanceof LlmError ? report.error.code : undefined,
  });
}

/** What a failure is called on the wire: the model server's failures by code, anything else "internal". */
export function describeFailure(
  error: unknown,
  log: Logger,
  requestId?: string,
): { message: string; code: string } {
  if (error instanceof LlmError) return { message: error.message, code: error.code };
  log("error", "unexpected stream failure", { requestId, error: String(error) });
  return { message: "The answer failed unexpectedly.", code: "internal" };
}

const STATUS_BY_CODE: Record<string, number> = { timeout: 504, stalled: 504, rate_limited: 503 };
