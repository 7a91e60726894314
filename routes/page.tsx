import { Hono } from "hono";
import { render } from "preact-render-to-string";
import { Island } from "./island.tsx";
import { type Assets, Page } from "../components/page.tsx";
import type { HistoryProps, KabotanAppProps } from "../islands/kabotan_app.tsx";
import type { Config } from "../lib/config.ts";
import type { AppEnv } from "../lib/http/env.ts";
import { languageFromAcceptLanguage, translate } from "../lib/i18n/mod.ts";
import { isLanguage } from "../lib/shared/contract.ts";
import { type ConversationStore, publicMessage } from "../lib/session/conversation_store.ts";
import type { StreamHub } from "../lib/streams/hub.ts";
import type { LlmClient } from "../lib/llm/types.ts";
import { getCookie, setCookie } from "hono/cookie";
import { parseOverride, STREAMING_COOKIE, streamsFor } from "../lib/rollout.ts";

/** The page stops trying to get an answer back this much before the server would stop it. */
const RESUME_MARGIN_MS = 5000;

/**
 * Turns per conversation that the page shows again after a reload: the most recent ones (a page
 * of every kept turn of every conversation ran to megabytes); older ones come on demand.
 */
export const PAGE_TURNS = 20;

/** `GET /`: the whole app, server-rendered, with the app island and the session's history. */
export function pageRoutes({ rollout, client, resume, llm, assets, store, streams }: {
  rollout: Config["rollout"];
  client: Config["client"];
  resume: Config["resume"];
  /** The model answering: the page says which (the demo, or the server and its model). */
  llm: LlmClient;
  assets: Assets;
  store: ConversationStore;
  streams: StreamHub;
}): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/", async (c) => {
    // A partial rollout decides by session: give a first visit its session now, so it is stable.
    const percent = rollout.percent;
    // (Past the limit on new sessions the page still renders, without one.)
    const session = percent > 0 && percent < 100
      ? await c.get("sessionAccess").ensure().catch(() => undefined)
      : c.get("sessionAccess").current();
    const override = parseOverride(c.req.query("streaming")) ?? parseOverride(getCookie(c, STREAMING_COOKIE));
    if (parseOverride(c.req.query("streaming"))) {
      setCookie(c, STREAMING_COOKIE, override!, { path: "/", sameSite: "Lax", maxAge: 30 * 24 * 3600 });
    }
    const query = c.req.query("lang");
    const language = isLanguage(query)
      ? query
      : session?.language ?? languageFromAcceptLanguage(c.req.header("accept-language"));
    const place = placeOf(c.req.query());
    const kept = session ? await keptConversations(store, session.id, place.conversation) : undefined;
    const props: KabotanAppProps = {
      language,
      streaming: streamsFor(percent, session?.id, override),
      updateIntervalMs: client.updateIntervalMs,
      demo: llm.provider === "demo",
      ...(llm.provider !== "demo" && llm.server
        ? { modelLabel: [llm.model, llm.server].filter(Boolean).join(" · ") }
        : {}),
      history: kept?.history ?? {},
      older: kept?.older ?? {},
      open: kept?.open ?? {},
      conversations: kept?.conversations ?? [],
      removed: kept?.removed ?? [],
      active: session ? await streams.active(session.id) : [],
      // The server keeps an answer with no reader for its grace period: the page tries a little less.
      resumeWindowMs: Math.max(1000, resume.graceMs - RESUME_MARGIN_MS),
      place,
    };
    const html = render(
      <Page
        language={language}
        title={translate(language, "app.title")}
        description={translate(language, "app.description")}
        assets={assets}
      >
        <Island name="KabotanApp" props={props} />
      </Page>,
    );
    c.header("cache-control", "private, no-cache");
    return c.html(`<!DOCTYPE html>${html}`);
  });
}

/** Where the reader was: the page's own query parameters (tab, character, conversation), short and plain. */
function placeOf(query: Record<string, string>): Record<string, string> {
  const place: Record<string, string> = {};
  for (const name of ["tab", "character"]) {
    const value = query[name];
    if (value && /^[a-z-]{1,40}$/.test(value)) place[name] = value;
  }
  if (/^[0-9a-f-]{36}$/.test(query.conversation ?? "")) place.conversation = query.conversation;
  return place;
}

/**
 * What the page shows of the session's conversations: the list, and in each shelf the conversation
 * open there (the one the URL names, in its shelf; elsewhere the shelf's last used) with its last turns.
 */
async function keptConversations(store: ConversationStore, sessionId: string, named?: string) {
  const conversations = await store.list(sessionId);
  const open = await store.pointers(sessionId);
  const chosen = named ? conversations.find((c) => c.id === named) : undefined;
  if (chosen) open[chosen.shelf] = chosen.id;
  const history: HistoryProps = {};
  const older: Record<string, string> = {};
  await Promise.all(
    Object.values(open).map(async (id) => {
      const window = await store.window(sessionId, id, { turns: PAGE_TURNS });
      if (!window.conversation) return;
      history[id] = window.messages.map(publicMessage);
      if (window.older) older[id] = window.older;
    }),
  );
  for (const [shelf, id] of Object.entries(open)) if (!history[id]) delete open[shelf];
  return { conversations, open, history, older, removed: await store.removed(sessionId) };
}
