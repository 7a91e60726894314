import { Component } from "preact";
import { useSignal } from "@preact/signals";
import type { StreamController, StreamStatus as Status } from "../../lib/client/stream_controller.ts";
import { CHARACTER_EMOJI, CHARACTER_IDS, type CharacterId } from "../../lib/features/characters.ts";
import type { Language } from "../../lib/i18n/mod.ts";
import { StreamStatus } from "./stream_status.tsx";
import type { Translate } from "./translate.ts";

const MESSAGE_MAX = 2000;

export interface Bubble {
  id: number;
  role: "user" | "assistant";
  content: string;
  character: CharacterId;
  incomplete?: boolean;
}

interface Props {
  controller: StreamController;
  language: Language;
  busy: boolean;
  t: Translate;
}

let nextBubbleId = 1;

/**
 * Character chat. Settled bubbles never re-render; the answer being streamed is the one
 * `#streaming-bubble`, bound straight to the controller's text signal. It stays the live bubble
 * after it ends (done, stopped or failed, so Retry can redo it) until the next message is sent.
 */
export function ChatPanel({ controller, language, busy, t }: Props) {
  const character = useSignal<CharacterId>("dracula");
  const conversations = useSignal<Record<string, Bubble[]>>({});
  const live = useSignal<CharacterId | null>(null);
  const draft = useSignal("");
  const invalid = useSignal<string | null>(null);
  const announcement = useSignal("");

  const name = (id: CharacterId) => t(`character.${id}`);
  const bubbles = conversations.value[character.value] ?? [];

  /** Moves the live answer into its conversation, marked incomplete unless it finished. */
  function settleLive() {
    const owner = live.value;
    if (owner === null) return;
    const text = controller.text.value;
    if (text) {
      const bubble: Bubble = {
        id: nextBubbleId++,
        role: "assistant",
        content: text,
        character: owner,
        incomplete: controller.status.value !== "done",
      };
      conversations.value = {
        ...conversations.value,
        [owner]: [...(conversations.value[owner] ?? []), bubble],
      };
    }
    live.value = null;
    controller.reset();
  }

  async function send(event: Event) {
    event.preventDefault();
    const message = draft.value.trim();
    if (!message) return void (invalid.value = t("validation.required", { field: t("chat.message_label") }));
    if (message.length > MESSAGE_MAX) {
      return void (invalid.value = t("validation.too_long", {
        field: t("chat.message_label"),
        max: MESSAGE_MAX,
      }));
    }
    invalid.value = null;
    settleLive();
    const who = character.value;
    const history = conversations.value[who] ?? [];
    const user: Bubble = { id: nextBubbleId++, role: "user", content: message, character: who };
    conversations.value = { ...conversations.value, [who]: [...history, user] };
    draft.value = "";
    live.value = who;
    const messages = [...history, user].map(({ role, content }) => ({ role, content }));
    announce(await controller.run("character-chat", { language, character: who, messages }));
  }

  function announce(status: Status) {
    if (status === "done") {
      announcement.value = t("stream.answer_ready", {
        name: name(live.value ?? character.value),
        text: controller.text.value,
      });
    }
  }

  function switchCharacter(id: CharacterId) {
    settleLive();
    character.value = id;
  }

  const showLive = live.value === character.value;
  return (
    <section class="chat">
      <label class="field">
        <span>{t("character.label")}</span>
        <select
          id="chat-character"
          value={character.value}
          disabled={busy}
          onChange={(e) => switchCharacter((e.currentTarget as HTMLSelectElement).value as CharacterId)}
        >
          {CHARACTER_IDS.map((id) => <option key={id} value={id}>{CHARACTER_EMOJI[id]} {name(id)}</option>)}
        </select>
      </label>

      <ol class="conversation" aria-label={name(character.value)}>
        {bubbles.length === 0 && !showLive && (
          <li class="empty">{t("chat.empty", { name: name(character.value) })}</li>
        )}
        {bubbles.map((bubble) => (
          <SettledBubble key={bubble.id} bubble={bubble} speaker={speakerOf(bubble, name, t)} t={t} />
        ))}
        {showLive && (
          <li class="bubble assistant">
            <span class="speaker">
              <span class="avatar" aria-hidden="true">{CHARACTER_EMOJI[character.value]}</span>{" "}
              {name(character.value)}
            </span>
            <div id="streaming-bubble" class="text" aria-busy={controller.active.value ? "true" : "false"}>
              {controller.text}
            </div>
          </li>
        )}
      </ol>
      {showLive && <StreamStatus controller={controller} t={t} />}
      <p class="sr-only" aria-live="polite">{announcement}</p>

      <form id="character-chat-form" class="composer" onSubmit={send} noValidate>
        <label class="field grow">
          <span class="sr-only">{t("chat.message_label")}</span>
          <textarea
            id="chat-message-input"
            rows={2}
            maxLength={MESSAGE_MAX}
            placeholder={t("chat.placeholder", { name: name(character.value) })}
            value={draft.value}
            aria-invalid={invalid.value ? "true" : undefined}
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
      {invalid.value && <p class="field-error" role="alert">{invalid.value}</p>}
    </section>
  );
}

function speakerOf(bubble: Bubble, name: (id: CharacterId) => string, t: Translate): string {
  return bubble.role === "user"
    ? t("chat.you")
    : `${CHARACTER_EMOJI[bubble.character]} ${name(bubble.character)}`;
}

/** A finished bubble: renders once, and again only if the bubble or the language changes. */
class SettledBubble extends Component<{ bubble: Bubble; speaker: string; t: Translate }> {
  override shouldComponentUpdate(next: { bubble: Bubble; speaker: string }): boolean {
    return next.bubble !== this.props.bubble || next.speaker !== this.props.speaker;
  }

  override render() {
    const { bubble, speaker, t } = this.props;
    return (
      <li class={`bubble ${bubble.role}`}>
        <span class="speaker">{speaker}</span>
        <div class="text">{bubble.content}</div>
        {bubble.incomplete && <span class="note">{t("stream.incomplete")}</span>}
      </li>
    );
  }
}
