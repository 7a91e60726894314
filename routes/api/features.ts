/**
 * One generic handler for every feature: `POST /api/{feature}` (JSON, or SSE when asked for),
 * `GET|POST /api/{feature}-stream` (SSE). The route only validates and wires:
 * feature definition → lib/llm (deltas) → lib/sse (events) → Response.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Config } from "../../lib/config.ts";
import { choice, parseWith } from "../../lib/features/fields.ts";
import { findFeature } from "../../lib/features/registry.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { jsonError } from "../../lib/http/json_error.ts";
import { readJsonObject } from "../../lib/http/read_json.ts";
import type { Language } from "../../lib/i18n/mod.ts";
import { LlmError } from "../../lib/llm/errors.ts";
import { observeDeltas } from "../../lib/llm/observe.ts";
import type { GenerationRequest, LlmClient } from "../../lib/llm/types.ts";
import type { Logger } from "../../lib/log.ts";
import { SSE_HEADERS, SseEncoderStream } from "../../lib/sse/encoder.ts";
import { relayDeltas } from "../../lib/sse/relay.ts";

export interface FeatureApiDeps {
  config: Config;
  llm: LlmClient;
  log: Logger;
}

const requestOptionsSchema = z.object({
  language: choice("language", ["en", "ja"]).optional(),
  stream: z.boolean({ error: "stream must be true or false" }).optional(),
});

export function featureApi({ config, llm, log }: FeatureApiDeps): Hono<AppEnv> {
  const api = new Hono<AppEnv>();

  api.on(["GET", "POST"], "/:endpoint", async (c) => {
    const endpoint = c.req.param("endpoint");
    const wantsStreamEndpoint = endpoint.endsWith("-stream");
    const feature = findFeature(wantsStreamEndpoint ? endpoint.slice(0, -"-stream".length) : endpoint);
    if (!feature) return jsonError(404, `no such endpoint: /api/${endpoint}`);
    if (c.req.method === "GET" && !wantsStreamEndpoint) {
      return jsonError(405, `use POST for /api/${endpoint}, or GET /api/${endpoint}-stream`);
    }

    let raw: Record<string, unknown>;
    if (c.req.method === "GET") {
      raw = Object.fromEntries(new URL(c.req.url).searchParams);
      delete raw.stream;
    } else {
      const body = await readJsonObject(c.req.raw);
      if (!body.ok) return body.response;
      raw = body.value;
    }

    const options = parseWith(requestOptionsSchema, raw);
    if (!options.ok) return jsonError(400, options.error, options.field);
    const language: Language = options.value.language ?? "en";
    const prepared = feature.prepare(raw, language);
    if (!prepared.ok) return jsonError(400, prepared.error, prepared.field);

    const request: GenerationRequest = {
      messages: prepared.value.messages,
      settings: feature.settings,
      hints: { feature: feature.name, language, inputs: prepared.value.demoInputs },
      signal: c.req.raw.signal,
    };
    const requestId = c.get("requestId");
    const wantsStream = wantsStreamEndpoint || options.value.stream === true ||
      (c.req.header("accept") ?? "").includes("text/event-stream");

    if (!wantsStream) {
      try {
        const content = await llm.complete(request);
        log("info", "answer complete", {
          requestId,
          feature: feature.name,
          mode: "json",
          characters: content.length,
        });
        return c.json({ content });
      } catch (error) {
        return llmFailureResponse(error, log, requestId);
      }
    }

    const source = config.streaming.enabled ? llm.stream(request) : completeAsStream(llm, request);
    const deltas = observeDeltas(source, (report) => {
      log(report.outcome === "error" ? "warn" : "info", "stream ended", {
        requestId,
        feature: feature.name,
        outcome: report.outcome,
        characters: report.characters,
        firstChunkMs: report.firstChunkMs && Math.round(report.firstChunkMs),
        durationMs: Math.round(report.durationMs),
        code: report.error instanceof LlmError ? report.error.code : undefined,
      });
    });
    const events = relayDeltas(deltas, {
      keepAliveMs: config.streaming.keepAliveMs,
      describeError: (error) => describeFailure(error, log, requestId),
    });
    return new Response(events.pipeThrough(new SseEncoderStream()), { headers: SSE_HEADERS });
  });

  return api;
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

function describeFailure(error: unknown, log: Logger, requestId?: string): { message: string; code: string } {
  if (error instanceof LlmError) return { message: error.message, code: error.code };
  log("error", "unexpected stream failure", { requestId, error: String(error) });
  return { message: "The answer failed unexpectedly.", code: "internal" };
}

const STATUS_BY_CODE: Record<string, number> = { timeout: 504, stalled: 504, rate_limited: 503 };

function llmFailureResponse(error: unknown, log: Logger, requestId?: string): Response {
  const { message, code } = describeFailure(error, log, requestId);
  return Response.json({ error: message, code }, { status: STATUS_BY_CODE[code] ?? 502 });
}
