import { LONG_TEXT_MAX } from "../../shared/contract.ts";
import { useSignal, useSignalEffect } from "@preact/signals";
import { keepInUrl, useKeptInput } from "../../client/kept_place.ts";
import { useRef } from "preact/hooks";
import type { PanelEntry, PanelProps } from "../panel.ts";
import { CHARACTER_EMOJI, CHARACTER_IDS, type CharacterId } from "./characters.ts";
import { ConversationView } from "../../../components/conversation_view.tsx";
import { ConversationList } from "../../../components/conversation_list.tsx";
import { FieldError, firstProblem } from "../../../components/form_fields.tsx";
import { SendButton } from "../../../components/send_button.tsx";
import { Greeting, suggestionsOf } from "../../../components/greeting.tsx";
import { useEffect } from "preact/hooks";

const MESSAGE_MAX = LONG_TEXT_MAX;

/** Character chat: conversations with each character (New chat, the list of earlier ones), kept by the session. */
export function ChatPanel({ book, language, busy, selected, t, place }: PanelProps) {
  const character = useSignal<CharacterId>(
    (CHARACTER_IDS as readonly string[]).includes(place.character ?? "")
      ? place.character as CharacterId
      : "dracula",
  );
  const draft = useKeptInput<string>("chat.message", "");
  const problem = useSignal<string | null>(null);
  const name = (id: CharacterId) => t(`character.${id}`);
  const shelf = `character-chat/${character.value}`;
  const showing = book.idIn(shelf);
  /** Enter was pressed while an answer was being written: the message waits in the box. */
  const held = useSignal(false);

  const input = useRef<HTMLTextAreaElement>(null);
  // After Stop, the focus goes back to the message box (the Stop button it was on is gone).
  useSignalEffect(() => {
    if (book.controller.status.value !== "stopped") return;
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused.classList.contains("btn-stop")) {
      input.current?.focus();
    }
  });

  // On a desktop the message box has the focus from the start (on a phone the keyboard would cover
  // the greeting).
  useEffect(() => {
    if (selected && globalThis.matchMedia?.("(pointer: fine) and (min-width: 700px)").matches) {
      input.current?.focus();
    }
  }, []);

  function ask(message: string) {
    void book.ask(shelf, message, { language, character: character.value, message });
  }

  function send(event: Event) {
    event.preventDefault();
    // Never cut the answer being written: the message waits in the box (Escape or Stop ends it).
    if (busy) {
      held.value = true;
      return;
    }
    held.value = false;
    problem.value = firstProblem([{
      label: t("chat.message_label"),
      value: draft.value,
      max: MESSAGE_MAX,
      required: true,
    }], t);
    if (problem.value) return;
    const message = draft.value.trim();
    draft.value = "";
    input.current?.focus();
    ask(message);
  }

  function showCharacter(id: CharacterId) {
    character.value = id;
    keepInUrl("character", id === "dracula" ? undefined : id);
  }

  return (
    <section class="chat">
      <div class="panel-row">
        <label class="field grow">
          <span>{t("character.label")}</span>
          <select
            id="chat-character"
            value={character.value}
            onChange={(e) => showCharacter((e.currentTarget as HTMLSelectElement).value as CharacterId)}
          >
            {CHARACTER_IDS.map((id) => <option key={id} value={id}>{CHARACTER_EMOJI[id]} {name(id)}</option>)}
          </select>
        </label>
      </div>
      <ConversationList
        book={book}
        shelf={shelf}
        t={t}
        language={language}
        selected={selected}
        newLabel={t("list.new_chat")}
        listLabel={(count) => t("chat.list", { name: name(character.value), count })}
        toggleLabel={(count) => t("list.chats", { count })}
        onGoTo={(to, id) => {
          showCharacter(to.split("/")[1] as CharacterId);
          void book.openConversation(to, id);
        }}
      />

      <ConversationView
        book={book}
        shelf={shelf}
        t={t}
        selected={selected}
        greeting={
          <Greeting
            avatar={CHARACTER_EMOJI[character.value]}
            speaker={name(character.value)}
            text={t(`chat.greeting.${character.value}`)}
            suggestions={suggestionsOf(t(`chat.suggest.${character.value}`))}
            onSuggest={ask}
            disabled={busy}
            t={t}
          />
        }
        speakerName={name(character.value)}
        speakerOf={(shelf) => name(shelf.split("/")[1] as CharacterId)}
        maxLength={MESSAGE_MAX}
        bodyFor={(message) => ({ language, character: character.value, message })}
        speaker={(role) =>
          role === "user" ? t("chat.you") : (
            <>
              <span class="avatar" aria-hidden="true">{CHARACTER_EMOJI[character.value]}</span>{" "}
              {name(character.value)}
            </>
          )}
      />

      <form id="character-chat-form" class="composer" onSubmit={send} noValidate>
        <label class="field grow">
          <span class="sr-only">{t("chat.message_label")}</span>
          <textarea
            id="chat-message-input"
            ref={input}
            rows={1}
            maxLength={MESSAGE_MAX}
            placeholder={t("chat.placeholder", { name: name(character.value) })}
            value={draft.value}
            aria-invalid={problem.value ? "true" : undefined}
            onInput={(e) => (draft.value = (e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
              }
            }}
          />
        </label>
        <SendButton
          id="chat-submit"
          label={t("chat.send")}
          book={book}
          showing={showing}
          disabled={!draft.value.trim()}
          t={t}
        />
      </form>
      {held.value && busy && <p class="note held" role="status">{t("chat.kept_while_answering")}</p>}
      {draft.value.length > MESSAGE_MAX * 0.8 && (
        <p class="counter" aria-live="polite">
          {t("chat.counter", { count: draft.value.length, max: MESSAGE_MAX })}
        </p>
      )}
      <FieldError message={problem.value} />
      <p class="clear-all">
        <button
          type="button"
          class="btn btn-ghost btn-small"
          disabled={busy}
          onClick={() => {
            if (globalThis.confirm(t("chat.clear_all_confirm"))) void book.clear();
          }}
        >
          {t("chat.clear_all")}
        </button>
      </p>
    </section>
  );
}

export default { name: "character-chat", icon: "🧛", Panel: ChatPanel } satisfies PanelEntry;
