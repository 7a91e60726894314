import { Hono } from "hono";
import { z } from "zod";
import { choice, parseWith } from "../../lib/features/fields.ts";
import type { Feature } from "../../lib/features/feature.ts";
import { findFeature } from "../../lib/features/registry.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { ApiError } from "../../lib/http/api_error.ts";
import { readBodyFields } from "../../lib/http/read_json.ts";
import type { ConversationStore } from "../../lib/session/conversation_store.ts";

const languageSchema = z.object({ language: choice("language", ["en", "ja"]) });

/** `POST /api/set-language` and `DELETE /api/history/{feature}`: the session's own state. */
export function sessionApi(
  { store, bodyTimeoutMs, features }: {
    store: ConversationStore;
    bodyTimeoutMs: number;
    features: ReadonlyMap<string, Feature>;
  },
): Hono<AppEnv> {
  const api = new Hono<AppEnv>();

  api.post("/set-language", async (c) => {
    const body = await readBodyFields(c.req.raw, bodyTimeoutMs);
    const parsed = parseWith(languageSchema, body);
    if (!parsed.ok) throw new ApiError(400, parsed.error, { field: parsed.field });
    await c.get("sessionAccess").update({ language: parsed.value.language });
    return c.json({ language: parsed.value.language });
  });

  api.delete("/history/:feature", async (c) => {
    const feature = findFeature(c.req.param("feature"), features);
    if (!feature) throw new ApiError(404, `no such feature: ${c.req.param("feature")}`);
    const session = c.get("sessionAccess").current();
    if (session) await store.clearFeature(session.id, feature.name);
    return c.json({ cleared: feature.name });
  });

  // One conversation of a feature: a character's chat (`/api/history/character-chat/witch`).
  api.delete("/history/:feature/:part", async (c) => {
    const feature = findFeature(c.req.param("feature"), features);
    if (!feature) throw new ApiError(404, `no such feature: ${c.req.param("feature")}`);
    const part = c.req.param("part");
    if (!/^[a-z0-9-]{1,40}$/.test(part)) {
      throw new ApiError(400, "no such conversation", { field: "conversation" });
    }
    const conversation = `${feature.name}/${part}`;
    const session = c.get("sessionAccess").current();
    if (session) await store.clearSlot(session.id, conversation);
    return c.json({ cleared: conversation });
  });

  return api;
}
