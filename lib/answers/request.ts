/** Stage 1 of an answer: read the request — which feature, its inputs, the language and how the answer goes back. */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import type { Feature, PreparedRequest } from "../features/feature.ts";
import { choice, parseWith } from "../features/fields.ts";
import { findFeature } from "../features/registry.ts";
import { ApiError } from "../http/api_error.ts";
import type { AppEnv } from "../http/env.ts";
import { readBodyFields } from "../http/read_json.ts";
import { type Language, LANGUAGES } from "../shared/contract.ts";
import { parseOverride, STREAMING_COOKIE, streamsFor } from "../rollout.ts";
import { lastEventIdOf } from "../streams/request_key.ts";

export interface AnswerRequest {
  feature: Feature;
  /** The inputs as sent (the query string, or the body). */
  raw: Record<string, unknown>;
  language: Language;
  /** What to send the model and where the turn belongs. */
  turn: PreparedRequest;
  /** How the answer goes back: one JSON object, or an event stream. */
  delivery: "json" | "events";
  /** Whether the answer comes word by word (the rollout); if not, an event stream carries it in one event. */
  incremental: boolean;
  /** Set when the answer is resumable: it runs once, whoever is connected. */
  answerId?: string;
  /** The last event the client has (Last-Event-ID, or `last_event_id`); 0 for none. */
  lastEventId: number;
  /** Go on with the conversation's last, unfinished answer (cut at the length limit, or stopped). */
  continuing: boolean;
  /** Asked again for the last answer of the conversation: the new one replaces it. */
  regenerating: boolean;
  /** The turn whose answer to continue (`turn_id`); the conversation's last when not given. Or the turn to edit. */
  turnId?: string;
  /** Ask `turn_id`'s question anew (`edit`): a new branch, the old one kept. */
  editing: boolean;
  /** The conversation the question belongs to (`conversation_id`): one of the session's, or a new id. */
  conversationId?: string;
}

export interface RequestSettings {
  bodyTimeoutMs: number;
  rolloutPercent: number;
  /** The features served, by name. */
  features: ReadonlyMap<string, Feature>;
}

const requestOptionsSchema = z.object({
  language: choice("language", LANGUAGES).optional(),
  stream: z.boolean({ error: "stream must be true or false" }).optional(),
  request_id: z.uuid({ error: "request_id must be a UUID" }).optional(),
  continue: z.boolean({ error: "continue must be true or false" }).optional(),
  regenerate: z.boolean({ error: "regenerate must be true or false" }).optional(),
  turn_id: z.string().regex(/^[0-9a-z-]{12,40}$/, { error: "turn_id is not a turn's id" }).optional(),
  edit: z.boolean({ error: "edit must be true or false" }).optional(),
  conversation_id: z.uuid({ error: "conversation_id must be a UUID" }).optional(),
});

const STREAM_SUFFIX = "-stream";

/** Reads and validates an answer request; throws an ApiError naming what is wrong. */
export async function readAnswerRequest(
  c: Context<AppEnv>,
  settings: RequestSettings,
): Promise<AnswerRequest> {
  const endpoint = c.req.param("endpoint") ?? "";
  const streamEndpoint = endpoint.endsWith(STREAM_SUFFIX);
  const feature = findFeature(
    streamEndpoint ? endpoint.slice(0, -STREAM_SUFFIX.length) : endpoint,
    settings.features,
  );
  if (!feature) throw new ApiError(404, `no such endpoint: /api/${endpoint}`);
  if (c.req.method === "GET" && !streamEndpoint) {
    throw new ApiError(405, `use POST for /api/${endpoint}, or GET /api/${endpoint}-stream`);
  }
  const raw = await readInputs(c, settings.bodyTimeoutMs);
  const options = parseWith(requestOptionsSchema, raw);
  if (!options.ok) throw new ApiError(400, options.error, { field: options.field });
  if (options.value.edit && !options.value.turn_id) {
    throw new ApiError(400, "edit needs the turn_id of the question to edit", { field: "turn_id" });
  }
  if (options.value.edit && (options.value.continue || options.value.regenerate)) {
    throw new ApiError(400, "edit cannot go with continue or regenerate", { field: "edit" });
  }
  const lastEventId = lastEventIdOf(c.req.header("last-event-id"), raw.last_event_id);
  if (lastEventId === "invalid") {
    throw new ApiError(400, "Last-Event-ID must be a whole number", { field: "last_event_id" });
  }
  const session = c.get("sessionAccess").current();
  const language: Language = options.value.language ?? session?.language ?? "en";
  const prepared = feature.prepare(raw, language);
  if (!prepared.ok) throw new ApiError(400, prepared.error, { field: prepared.field });
  const delivery = streamEndpoint || options.value.stream === true ||
      (c.req.header("accept") ?? "").includes("text/event-stream")
    ? "events"
    : "json";
  const incremental = streamsFor(
    settings.rolloutPercent,
    session?.id,
    parseOverride(getCookie(c, STREAMING_COOKIE)),
  );
  return {
    feature,
    raw,
    language,
    turn: prepared.value,
    delivery,
    incremental,
    answerId: delivery === "events" && incremental ? options.value.request_id : undefined,
    lastEventId,
    continuing: options.value.continue === true,
    regenerating: options.value.regenerate === true,
    turnId: options.value.turn_id,
    editing: options.value.edit === true,
    conversationId: options.value.conversation_id,
  };
}

/** The request's inputs: the query string for GET, the JSON object body for POST. */
async function readInputs(c: Context<AppEnv>, bodyTimeoutMs: number): Promise<Record<string, unknown>> {
  if (c.req.method === "GET") {
    const raw: Record<string, unknown> = Object.fromEntries(new URL(c.req.url).searchParams);
    delete raw.stream;
    return raw;
  }
  return await readBodyFields(c.req.raw, bodyTimeoutMs);
}
