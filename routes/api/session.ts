import { type Context, Hono } from "hono";
import { z } from "zod";
import { choice, parseWith } from "../../lib/features/fields.ts";
import type { Feature } from "../../lib/features/feature.ts";
import { findFeature } from "../../lib/features/registry.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { ApiError } from "../../lib/http/api_error.ts";
import { readBodyFields } from "../../lib/http/read_json.ts";
import { windowQuery } from "./window_query.ts";
import { type ConversationStore, publicMessage } from "../../lib/session/conversation_store.ts";

const languageSchema = z.object({ language: choice("language", ["en", "ja"]) });

/**
 * The session's own state: `POST /api/set-language`, `GET /api/history/{feature}[/{part}]` (a
 * window of a conversation's turns) and `DELETE /api/history/{feature}[/{part}]`.
 */
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

  const featureOf = (c: Context<AppEnv>): Feature => {
    const feature = findFeature(c.req.param("feature") ?? "", features);
    if (!feature) throw new ApiError(404, `no such feature: ${c.req.param("feature")}`);
    return feature;
  };
  const partOf = (c: Context<AppEnv>): string => {
    const part = c.req.param("part") ?? "";
    if (!/^[a-z0-9-]{1,40}$/.test(part)) {
      throw new ApiError(400, "no such conversation", { field: "conversation" });
    }
    return part;
  };

  api.delete("/history/:feature", async (c) => {
    const feature = featureOf(c);
    const session = c.get("sessionAccess").current();
    if (session) await store.clearFeature(session.id, feature.name);
    return c.json({ cleared: feature.name });
  });

  // A window of one conversation's turns, for the page's "Show earlier messages":
  // `GET /api/history/{feature}[/{part}]?before={turn id}&limit={turns}`.
  const window = async (c: Context<AppEnv>, shelf: string) => {
    const asked = windowQuery(c);
    const session = c.get("sessionAccess").current();
    const found = session ? await store.shelfWindow(session.id, shelf, asked) : { messages: [] };
    return c.json({
      messages: found.messages.map(publicMessage),
      ...(found.older ? { older: found.older } : {}),
    });
  };
  api.get("/history/:feature", (c) => window(c, featureOf(c).name));
  api.get("/history/:feature/:part", (c) => window(c, `${featureOf(c).name}/${partOf(c)}`));

  // One conversation of a feature: a character's chat (`/api/history/character-chat/witch`).
  api.delete("/history/:feature/:part", async (c) => {
    const conversation = `${featureOf(c).name}/${partOf(c)}`;
    const session = c.get("sessionAccess").current();
    if (session) await store.clearShelf(session.id, conversation);
    return c.json({ cleared: conversation });
  });

  return api;
}
