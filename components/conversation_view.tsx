import { Component, type ComponentChildren } from "preact";
import type { Bubble, ConversationBook } from "../lib/client/conversation.ts";
import { BookStatus } from "./stream_status.tsx";
import { Thinking } from "./thinking.tsx";
import type { Translate } from "./translate.ts";

interface Props {
  book: ConversationBook;
  conversation: string;
  t: Translate;
  /** Only the visible panel's live answer carries `#streaming-bubble`. */
  selected: boolean;
  speaker: (role: Bubble["role"]) => ComponentChildren;
  /** How an answer's text is shown; plain text (bound straight to the signal) by default. */
  renderText?: (text: string) => ComponentChildren;
  /** Messages to leave out at the start (shown elsewhere, like a diagnosis card). */
  skip?: number;
  empty?: string;
  id?: string;
}

/** A conversation: settled messages that never re-render, the live answer updated in place, its status. */
export function ConversationView(
  { book, conversation, t, selected, speaker, renderText, skip = 0, empty, id }: Props,
) {
  const bubbles = book.bubbles(conversation).slice(skip);
  const live = bubbles.at(-1)?.live === true;
  const { controller } = book;
  return (
    <>
      <ol id={id} class="conversation">
        {bubbles.length === 0 && empty && <li class="empty">{empty}</li>}
        {bubbles.map((bubble) =>
          bubble.live
            ? (
              <li key={bubble.id} class="bubble assistant">
                <span class="speaker">{speaker("assistant")}</span>
                <Thinking reasoning={bubble.reasoning} controller={controller} live t={t} />
                <div
                  id={selected ? "streaming-bubble" : undefined}
                  class="text"
                  aria-busy={controller.active.value ? "true" : "false"}
                >
                  {renderText ? renderText(bubble.content) : (
                    <>
                      {bubble.prefix}
                      {controller.text}
                    </>
                  )}
                  {controller.active.value && bubble.content === "" && !bubble.reasoning && (
                    <span class="typing" role="img" aria-label={t("stream.typing")}>
                      <i />
                      <i />
                      <i />
                    </span>
                  )}
                </div>
              </li>
            )
            : (
              <SettledBubble
                key={bubble.id}
                bubble={bubble}
                speaker={speaker(bubble.role)}
                t={t}
                renderText={renderText}
              />
            )
        )}
      </ol>
      {live && <BookStatus book={book} t={t} />}
      <p class="sr-only" aria-live="polite">{book.announcement}</p>
    </>
  );
}

interface BubbleProps {
  bubble: Bubble;
  speaker: ComponentChildren;
  t: Translate;
  renderText?: (text: string) => ComponentChildren;
}

/** A finished bubble: renders once, and again only when the bubble or the language changes. */
class SettledBubble extends Component<BubbleProps> {
  override shouldComponentUpdate(next: BubbleProps): boolean {
    return next.bubble !== this.props.bubble || next.t !== this.props.t;
  }

  override render() {
    const { bubble, speaker, t, renderText } = this.props;
    return (
      <li class={`bubble ${bubble.role}`}>
        <span class="speaker">{speaker}</span>
        <Thinking reasoning={bubble.reasoning} live={false} t={t} />
        <div class="text">
          {bubble.role === "assistant" && renderText ? renderText(bubble.content) : bubble.content}
        </div>
        {bubble.incomplete && <span class="note">{t("stream.incomplete")}</span>}
      </li>
    );
  }
}
