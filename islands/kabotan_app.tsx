import { useSignal, useSignalEffect } from "@preact/signals";
import { keepInUrl } from "../lib/client/kept_place.ts";
import { loadMarkdownRenderer } from "../components/markdown.tsx";
import { useEffect, useMemo } from "preact/hooks";
import { ConversationBook, type KeptConversations } from "../lib/client/conversation.ts";
import { browserCanStream, StreamController } from "../lib/client/stream_controller.ts";
import { httpTransport } from "../lib/client/transport.ts";
import { isLanguage, type Language } from "../lib/shared/contract.ts";
import { PANELS } from "../lib/features/panels.gen.ts";
import { translator } from "../components/translate.ts";
import { FollowAnswer } from "../components/follow_answer.tsx";

export type HistoryProps = KeptConversations["history"];

export interface KabotanAppProps {
  language: Language;
  /** The server's ENABLE_STREAMING. */
  streaming: boolean;
  updateIntervalMs: number;
  demo: boolean;
  /** The model server and model answering, when it is not the demo ("llama.cpp · qwen2.5"). */
  modelLabel?: string;
  /** The conversations shown, by id: each its most recent turns. */
  history: HistoryProps;
  /** Conversations with earlier turns than those shown: the turn to ask for the ones before. */
  older: KeptConversations["older"];
  /** The conversation each shelf shows (`character-chat/witch` → its id). */
  open: KeptConversations["open"];
  /** The session's conversations, most recent first. */
  conversations: KeptConversations["conversations"];
  /** Conversations removed lately to keep the session within its bounds. */
  removed: KeptConversations["removed"];
  /** Answers still being generated for this session (after a reload): re-attached at once. */
  active: Array<{ answerId: string; feature: string; shelf: string; conversationId?: string }>;
  /** How long after a dropped connection the page keeps trying to get an answer back. */
  resumeWindowMs: number;
  /** Where the reader was, from the page's URL: `tab`, and what panels read (`character`). */
  place: Record<string, string>;
}

/** The interactive app: language switch, feature tabs, and one panel per feature. */
export default function KabotanApp(props: KabotanAppProps) {
  const language = useSignal<Language>(props.language);
  const selected = useSignal<string>(
    PANELS.some(({ name }) => name === props.place.tab) ? props.place.tab : PANELS[0].name,
  );
  // The tab in view is kept in the URL, so a reload (or a shared link) opens it again.
  useSignalEffect(() => keepInUrl("tab", selected.value === PANELS[0].name ? undefined : selected.value));
  const transport = useMemo(() => httpTransport(), []);
  const kept = useMemo(() => keptWithUrl(props), []);
  /** The conversation a running answer is written in: named by its request, or its shelf's shown one. */
  const answerConversation = (active: KabotanAppProps["active"][number]) =>
    active.conversationId ?? kept.open[active.shelf];
  const books = useMemo(() => {
    const streaming = props.streaming && (typeof window === "undefined" || browserCanStream());
    return Object.fromEntries(PANELS.map(({ name }) => {
      const controller = new StreamController({
        streaming,
        updateIntervalMs: props.updateIntervalMs,
        resumeWindowMs: props.resumeWindowMs,
        transport,
      });
      const resuming = new Set(props.active.filter((a) => a.feature === name).map(answerConversation));
      return [name, new ConversationBook(name, controller, transport, kept, resuming)];
    })) as Record<string, ConversationBook>;
  }, []);
  useEffect(() => {
    for (const book of Object.values(books)) book.finishPendingDeletes();
    for (const active of props.active) {
      const conversation = answerConversation(active);
      if (books[active.feature] && conversation) {
        void books[active.feature].resume(conversation, active.answerId);
      }
    }
  }, []);
  // Answers are rendered as markdown: load the renderer while the page is idle, before the first one.
  useEffect(() => {
    // Once loaded, it renders a sample off screen, one kind of block per idle moment: its code is
    // compiled before the first answer needs it, and no piece of that work is a long task of its own.
    const whenIdle = (work: () => void) =>
      "requestIdleCallback" in globalThis
        ? requestIdleCallback(work, { timeout: 2000 })
        : setTimeout(work, 50);
    whenIdle(() =>
      void loadMarkdownRenderer().then((render) => {
        const pieces = [...WARM_UP_MARKDOWN];
        const next = () => {
          render(pieces.shift()!);
          if (pieces.length > 0) whenIdle(next);
        };
        whenIdle(next);
      })
    );
  }, []);
  const t = translator(language.value);

  function switchLanguage(value: string) {
    if (!isLanguage(value)) return;
    language.value = value;
    document.documentElement.lang = value;
    document.title = translator(value)("app.title");
    void transport.setLanguage(value);
  }

  // Say at once when the model server cannot be reached, not at the first question.
  const unreachable = useSignal(false);
  useEffect(() => {
    void transport.modelReachable().then((reachable) => (unreachable.value = !reachable));
  }, []);

  // Escape stops the answer streaming in the visible panel, wherever the focus is.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const controller = books[selected.value]?.controller;
      if (event.key !== "Escape" || !controller?.active.value) return;
      event.preventDefault();
      controller.stop();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  function onTabKey(event: KeyboardEvent, index: number) {
    const last = PANELS.length - 1;
    const target = event.key === "ArrowRight"
      ? (index + 1) % PANELS.length
      : event.key === "ArrowLeft"
      ? (index + last) % PANELS.length
      : event.key === "Home"
      ? 0
      : event.key === "End"
      ? last
      : undefined;
    if (target === undefined) return;
    event.preventDefault();
    const next = PANELS[target].name;
    selected.value = next;
    document.getElementById(`tab-${next}`)?.focus();
  }

  return (
    <div class="app" lang={language.value}>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">🎃</span>
          <div>
            <h1>{t("app.title")}</h1>
            <p class="tagline">{t("app.tagline")}</p>
          </div>
        </div>
        <div class="controls">
          {props.demo && (
            <span class="badge badge-demo" title={t("app.demo_note")}>{t("app.demo_badge")}</span>
          )}
          {!props.demo && props.modelLabel && (
            <span class="badge badge-model" title={props.modelLabel}>{props.modelLabel}</span>
          )}
          <label class="field inline">
            <span>{t("app.language")}</span>
            <select
              id="language-select"
              value={language.value}
              onChange={(e) => switchLanguage((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="en">English</option>
              <option value="ja">日本語</option>
            </select>
          </label>
        </div>
      </header>
      <main>
        {props.demo && <p class="demo-note">{t("app.demo_note")}</p>}
        {unreachable.value && <p class="banner" role="status">{t("app.model_unreachable")}</p>}

        <div class="tabs" role="tablist" aria-label={t("app.features")}>
          {PANELS.map(({ name, icon }, index) => {
            const writing = books[name].controller.active.value && selected.value !== name;
            return (
              <button
                key={name}
                id={`tab-${name}`}
                type="button"
                role="tab"
                class="tab"
                data-feature={name}
                aria-selected={selected.value === name ? "true" : "false"}
                aria-controls={`panel-${name}`}
                tabIndex={selected.value === name ? 0 : -1}
                onClick={() => (selected.value = name)}
                onKeyDown={(e) => onTabKey(e, index)}
              >
                <span aria-hidden="true">{icon}</span> {t(`feature.${name}`)}
                {writing && (
                  <span class="tab-busy" title={t("app.busy_tab")}>
                    <span class="sr-only">({t("app.busy_tab")})</span>
                  </span>
                )}
              </button>
            );
          })}
        </div>

        {PANELS.map(({ name, Panel }) => {
          return (
            <section
              key={name}
              id={`panel-${name}`}
              role="tabpanel"
              aria-labelledby={`tab-${name}`}
              class="panel"
              hidden={selected.value !== name}
            >
              <Panel
                book={books[name]}
                language={language.value}
                busy={books[name].controller.active.value}
                selected={selected.value === name}
                t={t}
                place={props.place}
              />
            </section>
          );
        })}
        <FollowAnswer controller={books[selected.value]?.controller} t={t} />
      </main>
    </div>
  );
}

/**
 * The page's conversations, with the one the URL names shown in its shelf even when the server does
 * not keep it yet (a new chat, or its first question still being stored).
 */
function keptWithUrl(props: KabotanAppProps): KeptConversations {
  const kept: KeptConversations = {
    history: props.history,
    older: props.older,
    open: { ...props.open },
    conversations: props.conversations,
    removed: props.removed,
  };
  const named = props.place.conversation;
  const tab = props.place.tab ?? PANELS[0].name;
  if (named && !props.conversations.some((c) => c.id === named)) {
    const running = props.active.find((a) => a.conversationId === named);
    const shelf = running?.shelf ??
      (tab === "character-chat" ? `character-chat/${props.place.character ?? "dracula"}` : tab);
    kept.open[shelf] = named;
  }
  return kept;
}

/** Every kind of block an answer may hold, rendered once each (and thrown away) to warm the renderer. */
const WARM_UP_MARKDOWN = [
  "Some text.",
  "# A\n\n## B",
  "Some **bold**, _em_, `code` and [a link](https://example.com).",
  "- one\n- two\n\n1. first",
  "> quote",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "```js\nx\n```\n",
];
