import { useSignal } from "@preact/signals";
import type { PanelEntry, PanelProps } from "../panel.ts";
import { CHARACTER_EMOJI, CHARACTER_IDS, type CharacterId } from "./characters.ts";
import { ConversationView } from "../../../components/conversation_view.tsx";
import { FieldError, firstProblem } from "../../../components/form_fields.tsx";

const MESSAGE_MAX = 2000;

/** Character chat: one conversation per character, kept by the session. */
export function ChatPanel({ book, language, busy, selected, t }: PanelProps) {
  const character = useSignal<CharacterId>("dracula");
  const draft = useSignal("");
  const problem = useSignal<string | null>(null);
  const name = (id: CharacterId) => t(`character.${id}`);
  const conversation = `character-chat/${character.value}`;

  function send(event: Event) {
    event.preventDefault();
    problem.value = firstProblem([{
      label: t("chat.message_label"),
      value: draft.value,
      max: MESSAGE_MAX,
      required: true,
    }], t);
    if (problem.value) return;
    const message = draft.value.trim();
    draft.value = "";
    void book.ask(conversation, message, { language, character: character.value, message });
  }

  return (
    <section class="chat">
      <div class="panel-row">
        <label class="field grow">
          <span>{t("character.label")}</span>
          <select
            id="chat-character"
            value={character.value}
            disabled={busy}
            onChange={(e) => {
              book.settle();
              character.value = (e.currentTarget as HTMLSelectElement).value as CharacterId;
            }}
          >
            {CHARACTER_IDS.map((id) => <option key={id} value={id}>{CHARACTER_EMOJI[id]} {name(id)}</option>)}
          </select>
        </label>
        <button type="button" class="btn btn-ghost" disabled={busy} onClick={() => void book.clear()}>
          {t("chat.clear")}
        </button>
      </div>

      <ConversationView
        book={book}
        conversation={conversation}
        t={t}
        selected={selected}
        empty={t("chat.empty", { name: name(character.value) })}
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
            rows={2}
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
        <button id="chat-submit" type="submit" class="btn btn-primary" disabled={busy}>
          {t("chat.send")}
        </button>
      </form>
      <FieldError message={problem.value} />
    </section>
  );
}

export default { name: "character-chat", icon: "🧛", Panel: ChatPanel } satisfies PanelEntry;
