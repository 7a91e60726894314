/**
 * One generic handler for every feature: `POST /api/{feature}` (JSON, or SSE when asked for),
 * `GET|POST /api/{feature}-stream` (SSE). The route validates and wires:
 * feature definition → session history → lib/llm (deltas) → lib/sse (events) → Response,
 * and stores the user's turn and the answer (marked incomplete when it did not finish).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { Config } from "../../lib/config.ts";
import { CONTEXT_MESSAGES, upstreamMessages } from "../../lib/features/feature.ts";
import { choice, parseWith } from "../../lib/features/fields.ts";
import { findFeature } from "../../lib/features/registry.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { getCookie } from "hono/cookie";
import { parseOverride, STREAMING_COOKIE, streamsFor } from "../../lib/rollout.ts";
import type { GenerationLimits } from "../../lib/http/rate_limit.ts";
import { getConnInfo } from "hono/deno";
import { jsonError } from "../../lib/http/json_error.ts";
import { readJsonObject } from "../../lib/http/read_json.ts";
import type { Language } from "../../lib/i18n/mod.ts";
import { LlmError } from "../../lib/llm/errors.ts";
import { observeDeltas, type StreamReport } from "../../lib/llm/observe.ts";
import type { ChatMessage, GenerationRequest, LlmClient, Usage } from "../../lib/llm/types.ts";
import type { AnswerStats, Metrics } from "../../lib/metrics.ts";
import type { Logger } from "../../lib/log.ts";
import type { HistoryStore, StoredMessage } from "../../lib/session/history.ts";
import { SSE_HEADERS } from "../../lib/sse/encoder.ts";
import { relayDeltas } from "../../lib/sse/relay.ts";
import { sseBody } from "../../lib/sse/response.ts";
import type { StreamHub } from "../../lib/streams/hub.ts";
import { lastEventIdOf, requestFingerprint } from "../../lib/streams/request_key.ts";
import type { StreamMeta } from "../../lib/streams/stream_log.ts";

export interface FeatureApiDeps {
  config: Config;
  llm: LlmClient;
  log: Logger;
  history: HistoryStore;
  streams: StreamHub;
  limits: GenerationLimits;
  /** Ends every running answer (shutdown), with its reason as the error readers see. */
  stopAll: AbortSignal;
  metrics: Metrics;
}

const requestOptionsSchema = z.object({
  language: choice("language", ["en", "ja"]).optional(),
  stream: z.boolean({ error: "stream must be true or false" }).optional(),
  request_id: z.uuid({ error: "request_id must be a UUID" }).optional(),
});

export function featureApi(
  { config, llm, log, history, streams, limits, stopAll, metrics }: FeatureApiDeps,
): Hono<AppEnv> {
  const api = new Hono<AppEnv>();

  api.on(["GET", "POST"], "/:endpoint", async (c) => {
    const endpoint = c.req.param("endpoint");
    const wantsStreamEndpoint = endpoint.endsWith("-stream");
    const feature = findFeature(wantsStreamEndpoint ? endpoint.slice(0, -"-stream".length) : endpoint);
    if (!feature) return jsonError(404, `no such endpoint: /api/${endpoint}`);
    if (c.req.method === "GET" && !wantsStreamEndpoint) {
      return jsonError(405, `use POST for /api/${endpoint}, or GET /api/${endpoint}-stream`);
    }

    const raw = await readInputs(c, config.connections.bodyTimeoutMs);
    if (raw instanceof Response) return raw;
    const options = parseWith(requestOptionsSchema, raw);
    if (!options.ok) return jsonError(400, options.error, options.field);
    const sessions = c.get("session");
    const language: Language = options.value.language ?? sessions.current()?.language ?? "en";
    const prepared = feature.prepare(raw, language);
    if (!prepared.ok) return jsonError(400, prepared.error, prepared.field);
    const turn = prepared.value;
    const requestId = c.get("requestId");
    const wantsStream = wantsStreamEndpoint || options.value.stream === true ||
      (c.req.header("accept") ?? "").includes("text/event-stream");

    // Whether this browser streams (the rollout, or its own override); if not, one event carries all.
    const streaming = streamsFor(
      config.streaming.rolloutPercent,
      sessions.current()?.id,
      parseOverride(getCookie(c, STREAMING_COOKIE)),
    );
    // A request_id makes the answer resumable: it runs once, whoever is connected.
    const resumableId = wantsStream && streaming ? options.value.request_id : undefined;
    if (resumableId) {
      const attached = await attachOrClaim(c, streams, resumableId, {
        feature: feature.name,
        conversation: turn.conversationKey,
        raw,
        owner: (await sessions.ensure()).id,
        keepAliveMs: config.streaming.keepAliveMs,
      });
      if (attached) return attached;
    }

    // A client that sends its own conversation keeps it itself; otherwise the session keeps it.
    const session = turn.clientHistory ? undefined : await sessions.ensure();
    const slot = limits.enter(sessions.current()?.id, clientAddress(c));
    if ("refused" in slot) {
      if (resumableId) await streams.log.forget(resumableId);
      return slot.refused;
    }
    let context: ChatMessage[] = turn.clientHistory ?? [];
    if (session && turn.continues) {
      const stored = await history.list(session.id, turn.conversationKey, CONTEXT_MESSAGES + 2);
      // Asking again what the last answer did not finish is a retry: it replaces that turn.
      const retried = unfinishedTurn(stored, turn.user);
      if (retried > 0) await history.dropLast(session.id, turn.conversationKey, retried);
      context = stored.slice(0, stored.length - retried).map(({ role, content }) => ({ role, content }));
    }
    if (turn.needsEarlierAnswer && context.length === 0) {
      return jsonError(400, turn.needsEarlierAnswer.error, turn.needsEarlierAnswer.field);
    }
    if (session) {
      if (!turn.continues) await history.clear(session.id, turn.conversationKey);
      await history.append(session.id, turn.conversationKey, { role: "user", content: turn.user });
    }
    const saveAnswer = async (content: string, incomplete: boolean) => {
      if (!session || !content) return;
      try {
        await history.append(session.id, turn.conversationKey, {
          role: "assistant",
          content,
          ...(incomplete ? { incomplete } : {}),
        });
      } catch (error) {
        log("error", "could not save an answer", { error: String(error) });
      }
    };

    let usage: Usage | undefined;
    const request: GenerationRequest = {
      messages: upstreamMessages(turn, context),
      settings: feature.settings,
      hints: { feature: feature.name, language, inputs: turn.demoInputs },
      // A resumable answer outlives its first connection; any other ends with it.
      signal: resumableId ? stopAll : AbortSignal.any([c.req.raw.signal, stopAll]),
      onFinish: (info) => (usage = info.usage),
    };

    if (!wantsStream) {
      const started = performance.now();
      const report = (outcome: "done" | "error", text: string, error?: unknown) =>
        metrics.answer(feature.name, "json", {
          outcome,
          text,
          characters: text.length,
          durationMs: performance.now() - started,
          error,
        }, usage);
      try {
        using _slot = { [Symbol.dispose]: slot.release };
        const content = await llm.complete(request);
        await saveAnswer(content, false);
        const stats = report("done", content);
        log("info", "answer complete", {
          requestId,
          feature: feature.name,
          mode: "json",
          characters: content.length,
        });
        return c.json({ content, stats });
      } catch (error) {
        report("error", "", error);
        return llmFailureResponse(error, log, requestId);
      }
    }

    const source = streaming ? llm.stream(request) : completeAsStream(llm, request);
    metrics.streamOpened();
    let stats: AnswerStats | undefined;
    const deltas = observeDeltas(source, async (ended) => {
      // The client's own abort can reach the model's stream first, as an error: it left.
      const gone = !resumableId && ended.outcome === "error" && c.req.raw.signal.aborted && !stopAll.aborted;
      const report: StreamReport = gone
        ? { ...ended, outcome: "cancelled", cancelReason: "client_gone" }
        : ended;
      slot.release();
      metrics.streamClosed();
      stats = metrics.answer(feature.name, "stream", report, usage);
      logStreamEnd(log, report, { requestId, feature: feature.name });
      await saveAnswer(report.text, report.outcome !== "done");
    });
    if (resumableId) {
      await streams.launch(resumableId, deltas, () => stats);
      return c.body(sseBody(streams.read(resumableId, 0), config.streaming.keepAliveMs), 200, SSE_HEADERS);
    }
    const events = relayDeltas(deltas, {
      keepAliveMs: config.streaming.keepAliveMs,
      describeError: (error) => describeFailure(error, log, requestId),
      stats: () => stats,
    });
    return c.body(events, 200, SSE_HEADERS);
  });

  return api;
}

/**
 * How many stored messages a new user turn replaces: the same question again right after an
 * unfinished (stopped or failed) answer, or after no answer at all, is a retry of that turn.
 */
function unfinishedTurn(context: StoredMessage[], question: string): number {
  const last = context.at(-1);
  if (last?.role === "user" && last.content === question) return 1;
  const before = context.at(-2);
  if (
    last?.role === "assistant" && last.incomplete && before?.role === "user" && before.content === question
  ) return 2;
  return 0;
}

/** The client's address, for per-IP limits. */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** The request's inputs: the query string for GET, the JSON object body for POST. */
async function readInputs(
  c: Context<AppEnv>,
  bodyTimeoutMs: number,
): Promise<Record<string, unknown> | Response> {
  if (c.req.method === "GET") {
    const raw: Record<string, unknown> = Object.fromEntries(new URL(c.req.url).searchParams);
    delete raw.stream;
    return raw;
  }
  const body = await readJsonObject(c.req.raw, bodyTimeoutMs);
  return body.ok ? body.value : body.response;
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

/**
 * For a request with a request_id: the response for a reader when that answer exists (or the
 * refusal), or undefined once the id is claimed here for a new answer.
 */
async function attachOrClaim(
  c: Context<AppEnv>,
  streams: StreamHub,
  id: string,
  { feature, conversation, raw, owner, keepAliveMs }: {
    feature: string;
    conversation: string;
    raw: Record<string, unknown>;
    owner: string;
    keepAliveMs: number;
  },
): Promise<Response | undefined> {
  const lastEventId = lastEventIdOf(c.req.header("last-event-id"), raw.last_event_id);
  if (lastEventId === "invalid") {
    return jsonError(400, "Last-Event-ID must be a whole number", "last_event_id");
  }
  const fingerprint = await requestFingerprint(feature, raw);
  const existing = await streams.find(id);
  if (!existing && lastEventId > 0) {
    return jsonError(
      404,
      "no such stream to resume (it ended over 10 minutes ago, or never began)",
      "request_id",
    );
  }
  if (!existing && await streams.claim(id, { session: owner, fingerprint, feature, conversation })) {
    return undefined;
  }
  // It exists, or another request claimed it first: read that one.
  const meta = existing ?? await streams.find(id);
  if (!meta) return jsonError(409, "this request_id is being started by another request", "request_id");
  return resume(c, streams, id, meta, { owner, fingerprint, lastEventId, keepAliveMs });
}

/**
 * Serves a reader of an answer that already exists: its owner's session only, with the same
 * parameters only. A finished answer with nothing after `lastEventId` is a 204, which tells an
 * EventSource to stop reconnecting.
 */
export function resume(
  c: Context<AppEnv>,
  streams: StreamHub,
  id: string,
  meta: StreamMeta,
  { owner, fingerprint, lastEventId, keepAliveMs }: {
    owner: string;
    fingerprint?: string;
    lastEventId: number;
    keepAliveMs: number;
  },
): Response {
  if (meta.session !== owner) return jsonError(404, "no such stream to resume", "request_id");
  if (fingerprint !== undefined && meta.fingerprint !== fingerprint) {
    return jsonError(409, "this request_id belongs to a request with other parameters", "request_id");
  }
  if (meta.status === "finished" && lastEventId >= meta.lastId) return c.body(null, 204);
  return c.body(sseBody(streams.read(id, lastEventId), keepAliveMs), 200, SSE_HEADERS);
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

function llmFailureResponse(error: unknown, log: Logger, requestId?: string): Response {
  const { message, code } = describeFailure(error, log, requestId);
  return Response.json({ error: message, code }, { status: STATUS_BY_CODE[code] ?? 502 });
}
