/**
 * A session's conversations: list, open (a window of its turns), rename, delete; the versions of a
 * turn's answer; which branch or version is shown. Editing a question is an answer request
 * (`"edit": true` with its `turn_id`, on the feature's endpoint), since it streams a new answer.
 *
 * A conversation of another session is indistinguishable from a missing one (404), like a
 * malformed id is from a well-formed one only in its message (400).
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { parseWith } from "../../lib/features/fields.ts";
import type { Feature } from "../../lib/features/feature.ts";
import { findFeature } from "../../lib/features/registry.ts";
import { ApiError, tooMany } from "../../lib/http/api_error.ts";
import { addressGroup, clientAddress } from "../../lib/http/client_address.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { RateLimiter } from "../../lib/http/rate_limit.ts";
import { readBodyFields } from "../../lib/http/read_json.ts";
import { TURN_ID, windowQuery } from "./window_query.ts";
import {
  AnswerBeingWritten,
  type ConversationStore,
  NoSuchConversation,
  publicMessage,
  TITLE_MAX,
} from "../../lib/session/conversation_store.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const renameSchema = z.object({
  title: z.string({ error: "title is required" }).trim()
    .min(1, { error: "title is required" })
    .max(TITLE_MAX, { error: `title must be at most ${TITLE_MAX} characters` }),
});
const showSchema = z.union([
  z.object({ version: z.number().int().min(1) }).strict(),
  z.object({ branch: z.number().int().min(1) }).strict(),
], { error: "give version or branch: a whole number from 1" });

export function conversationsApi(
  { store, bodyTimeoutMs, features, perMinute, trustProxy }: {
    store: ConversationStore;
    bodyTimeoutMs: number;
    features: ReadonlyMap<string, Feature>;
    /** Requests a session (or an address without one) may make here a minute. */
    perMinute: number;
    trustProxy: boolean;
  },
): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  const rate = new RateLimiter(perMinute);

  api.use("*", async (c, next) => {
    const key = c.get("sessionAccess").current()?.id ?? addressGroup(clientAddress(c, trustProxy));
    const taken = rate.take(key);
    if (!taken.ok) {
      throw tooMany("requests", taken.retryAfterSeconds);
    }
    await next();
  });

  const sessionOf = (c: Context<AppEnv>) => c.get("sessionAccess").current()?.id;
  const idOf = (c: Context<AppEnv>): string => {
    const id = c.req.param("id") ?? "";
    if (!UUID.test(id)) {
      throw new ApiError(400, "a conversation's id is a UUID", { field: "conversation_id" });
    }
    return id;
  };
  const turnOf = (c: Context<AppEnv>): string => {
    const turn = c.req.param("turn") ?? "";
    if (!TURN_ID.test(turn)) throw new ApiError(400, "that is not a turn's id", { field: "turn_id" });
    return turn;
  };
  const missing = (what = "conversation") =>
    new ApiError(404, `no such ${what}`, { field: what === "conversation" ? "conversation_id" : "turn_id" });
  /** The store's refusals as the API says them. */
  const refused = (error: unknown): never => {
    if (error instanceof NoSuchConversation) throw missing(error.what);
    if (error instanceof AnswerBeingWritten) {
      throw new ApiError(409, error.message, { code: "answer_running" });
    }
    throw error;
  };

  // `GET /api/conversations[?feature=…[&character=…]]`: the session's conversations, most recent first.
  api.get("/", async (c) => {
    const featureName = c.req.query("feature");
    const feature = featureName === undefined ? undefined : findFeature(featureName, features);
    if (featureName !== undefined && !feature) {
      throw new ApiError(400, `no such feature: ${featureName}`, { field: "feature" });
    }
    const part = c.req.query("character");
    if (part !== undefined && (!feature || !/^[a-z0-9-]{1,40}$/.test(part))) {
      throw new ApiError(400, "character needs a feature, and is a character's name", { field: "character" });
    }
    const session = sessionOf(c);
    const filter = part ? { shelf: `${feature!.name}/${part}` } : feature ? { feature: feature.name } : {};
    return c.json({
      conversations: session ? await store.list(session, filter) : [],
      removed: session ? await store.removed(session) : [],
    });
  });

  const windowOf = async (c: Context<AppEnv>, session: string, id: string) => {
    const window = await store.window(session, id, windowQuery(c));
    if (!window.conversation) throw missing();
    return {
      conversation: window.conversation,
      messages: window.messages.map(publicMessage),
      ...(window.older ? { older: window.older } : {}),
    };
  };

  // `GET /api/conversations/{id}[?before=…&limit=…]`: the conversation and a window of its shown branch.
  api.get("/:id", async (c) => {
    const id = idOf(c);
    const session = sessionOf(c);
    if (!session) throw missing();
    return c.json(await windowOf(c, session, id));
  });

  // `PATCH /api/conversations/{id}` `{"title":"…"}`: renames it.
  api.patch("/:id", async (c) => {
    const id = idOf(c);
    const parsed = parseWith(renameSchema, await readBodyFields(c.req.raw, bodyTimeoutMs));
    if (!parsed.ok) throw new ApiError(400, parsed.error, { field: parsed.field });
    const session = sessionOf(c);
    if (!session) throw missing();
    const conversation = await store.rename(session, id, parsed.value.title).catch(refused);
    return c.json({ conversation });
  });

  // `DELETE /api/conversations/{id}`: deletes it, every turn and text of it.
  api.delete("/:id", async (c) => {
    const id = idOf(c);
    const session = sessionOf(c);
    if (!session || !(await store.remove(session, id))) throw missing();
    return c.json({ deleted: id });
  });

  // `GET /api/conversations/{id}/turns/{turn}/versions`: every answer the turn was given.
  api.get("/:id/turns/:turn/versions", async (c) => {
    const id = idOf(c);
    const turn = turnOf(c);
    const session = sessionOf(c);
    const found = session ? await store.versions(session, id, turn) : undefined;
    if (!found) throw missing(session && (await store.get(session, id)) ? "turn" : "conversation");
    return c.json({ shown: found.shown + 1, versions: found.versions.map(({ at: _at, ...v }) => v) });
  });

  // `POST /api/conversations/{id}/turns/{turn}/show` `{"version":n}` or `{"branch":n}` (1-based):
  // shows that version of the turn's answer, or that branch at the turn; answers the new window.
  api.post("/:id/turns/:turn/show", async (c) => {
    const id = idOf(c);
    const turn = turnOf(c);
    const parsed = parseWith(showSchema, await readBodyFields(c.req.raw, bodyTimeoutMs));
    if (!parsed.ok) throw new ApiError(400, parsed.error, { field: parsed.field });
    const session = sessionOf(c);
    if (!session) throw missing();
    await store.show(session, id, turn, parsed.value).catch(refused);
    return c.json(await windowOf(c, session, id));
  });

  return api;
}
