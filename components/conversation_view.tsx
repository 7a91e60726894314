import { Component, type ComponentChildren } from "preact";
import { useSignal } from "@preact/signals";
import type { Bubble, ConversationBook } from "../lib/client/conversation.ts";
import { AnswerActions } from "./answer_actions.tsx";
import { OrdinalSwitch } from "./ordinal_switch.tsx";
import { Markdown } from "./markdown.tsx";
import { Announcer, AnswerStatsLine, BookStatus, failureText } from "./status_row.tsx";
import { Thinking } from "./thinking.tsx";
import type { Translate } from "./translate.ts";

/** The request body that asks a conversation's question (for Retry, Regenerate and Continue). */
export type BodyFor = (question: string) => Record<string, unknown>;

interface Props {
  book: ConversationBook;
  /** The shelf whose shown conversation this is (`character-chat/witch`). */
  shelf: string;
  t: Translate;
  /** Only the visible panel's live answer carries `#streaming-bubble`. */
  selected: boolean;
  speaker: (role: Bubble["role"]) => ComponentChildren;
  /** The answering speaker's name in words, for the screen-reader announcement of an answer. */
  speakerName: string;
  /** Who writes on a shelf, when it can be another than the one shown (a chat's characters). */
  speakerOf?: (shelf: string) => string;
  /** How an answer's text is shown; sanitised markdown by default. */
  renderText?: (text: string) => ComponentChildren;
  /** The body that asks a question of this conversation; without it, stored turns offer no Retry, Regenerate, Continue or Edit. */
  bodyFor?: BodyFor;
  /** The longest a question may be (an edit's box). */
  maxLength?: number;
  /** Messages to leave out at the start (shown elsewhere, like a diagnosis card). */
  skip?: number;
  empty?: string;
  /** What the conversation shows while it is empty (a greeting with openers), instead of `empty`. */
  greeting?: ComponentChildren;
  id?: string;
}

const markdown = (text: string) => <Markdown text={text} />;

/** A conversation: settled messages that never re-render, the live answer updated in place, its status. */
export function ConversationView(
  {
    book,
    shelf,
    t,
    selected,
    speaker,
    speakerName,
    speakerOf,
    renderText = markdown,
    bodyFor,
    maxLength,
    skip = 0,
    empty,
    greeting,
    id,
  }: Props,
) {
  const conversation = book.idIn(shelf);
  const resend: Resend | undefined = bodyFor &&
    ((question, options) =>
      void (options.continue
        ? book.continueStored(shelf, bodyFor(question))
        : book.ask(shelf, question, bodyFor(question), options)));
  const editing = useSignal<string | null>(null);
  const busy = book.controller.active.value;
  // Switching what is shown waits for the answer being written there.
  const still = busy && book.live.value === conversation;
  const all = book.bubbles(conversation);
  const bubbles = all.slice(skip);
  const live = bubbles.at(-1)?.live === true;
  const { controller } = book;
  const last = all.length - 1;
  const questionBefore = (index: number) =>
    all[index - 1]?.role === "user" ? all[index - 1].content : undefined;
  const older = book.older.value[conversation] !== undefined && skip === 0;
  if (book.loading.value === conversation && all.length === 0) {
    return <p class="note loading" role="status">{t("list.loading")}</p>;
  }
  return (
    <>
      {older && (
        <p class="show-earlier">
          <button
            type="button"
            class="btn btn-ghost btn-small"
            onClick={() => void book.loadOlder(conversation)}
          >
            {t("conversation.show_earlier")}
          </button>
        </p>
      )}
      <ol id={id} class="conversation">
        {bubbles.length === 0 && (greeting || empty) && (
          <li class={greeting ? "empty with-greeting" : "empty"}>{greeting ?? empty}</li>
        )}
        {bubbles.map((bubble, shown) => {
          const index = shown + skip;
          const question = questionBefore(index);
          if (bubble.live) {
            return (
              <li key={bubble.id} class="bubble assistant" lang={bubble.lang}>
                <span class="speaker">{speaker("assistant")}</span>
                <Thinking reasoning={bubble.reasoning} controller={controller} live t={t} />
                <LiveText
                  bubble={bubble}
                  book={book}
                  id={selected ? "streaming-bubble" : undefined}
                  renderText={renderText}
                  t={t}
                />
                {controller.status.value === "done" && controller.stats.value && (
                  <AnswerStatsLine
                    stats={controller.stats.value}
                    t={t}
                    speakerName={speakerName}
                    withInfo={!bubble.content}
                  />
                )}
                {(controller.status.value === "done" || controller.status.value === "stopped") &&
                  bubble.content && (
                  <AnswerActions
                    source={bubble.content}
                    stats={controller.status.value === "done" ? controller.stats.value : undefined}
                    onRegenerate={resend && question !== undefined
                      ? () => resend(question, { regenerate: true })
                      : undefined}
                    t={t}
                  >
                    {bubble.version && controller.turnId.value && (
                      <OrdinalSwitch
                        ordinal={bubble.version}
                        kind="version"
                        t={t}
                        onChoose={(index) =>
                          void book.show(conversation, controller.turnId.value!, { version: index }).catch(
                            () => {},
                          )}
                      />
                    )}
                  </AnswerActions>
                )}
              </li>
            );
          }
          return (
            <SettledBubble
              key={bubble.id}
              bubble={bubble}
              speaker={speaker(bubble.role)}
              speakerName={index === last ? speakerName : undefined}
              t={t}
              renderText={renderText}
              {...(index === last && resend
                ? lastTurnActions(bubble, question, resend, book.resuming.has(conversation))
                : {})}
              editing={editing.value !== null && editing.value === bubble.turnId && bubble.role === "user"}
              onEdit={bodyFor && bubble.role === "user" && bubble.turnId && !busy
                ? () => (editing.value = bubble.turnId!)
                : undefined}
              onEdited={(text) => {
                const turn = editing.value;
                editing.value = null;
                if (text === undefined || !turn || !bodyFor) return;
                void book.ask(shelf, text, bodyFor(text), { edit: turn });
              }}
              maxLength={maxLength}
              onSwitch={bubble.turnId && (bubble.branch || bubble.version)
                ? (index) =>
                  void book.show(
                    conversation,
                    bubble.turnId!,
                    bubble.role === "user" ? { branch: index } : { version: index },
                  ).catch(() => {})
                : undefined}
              switchDisabled={still}
            />
          );
        })}
      </ol>
      {live && <BookStatus book={book} t={t} stats={false} />}
      <Announcer book={book} speakerName={speakerName} speakerOf={speakerOf} t={t} />
    </>
  );
}

type Resend = (question: string, options: { regenerate?: boolean; continue?: boolean }) => void;

/**
 * What the conversation's last stored turn offers: Retry for a question with no answer (unless its
 * answer is being resumed) or a failed one; otherwise Regenerate, and Continue for an answer cut short.
 */
function lastTurnActions(
  bubble: Bubble,
  question: string | undefined,
  resend: Resend,
  resuming: boolean,
): Pick<BubbleProps, "retry" | "regenerate" | "continueAnswer"> {
  if (bubble.role === "user") return resuming ? {} : { retry: () => resend(bubble.content, {}) };
  if (question === undefined) return {};
  const ask = (options: { regenerate?: boolean; continue?: boolean }) => () => resend(question, options);
  if (bubble.error) return { retry: ask({}) };
  return {
    regenerate: ask({ regenerate: true }),
    continueAnswer: bubble.incomplete && bubble.content ? ask({ continue: true }) : undefined,
  };
}

/** The live answer's text: the only part of the conversation that re-renders as it grows. */
function LiveText({ bubble, book, id, renderText, t }: {
  bubble: Bubble;
  book: ConversationBook;
  id?: string;
  renderText: (text: string) => ComponentChildren;
  t: Translate;
}) {
  const text = bubble.content;
  const active = book.controller.active.value;
  return (
    <div id={id} class="text" aria-busy={active ? "true" : "false"}>
      {text !== "" && renderText(text)}
      {active && text === "" && !bubble.reasoning && (
        <span class="typing" role="img" aria-label={t("stream.typing")}>
          <i />
          <i />
          <i />
        </span>
      )}
    </div>
  );
}

interface BubbleProps {
  bubble: Bubble;
  speaker: ComponentChildren;
  /**
   * The answering speaker's name in words, on the last answer only: what it remembers ("Count Dracula
   * remembers the last 12 messages") is said once, of the conversation as it stands.
   */
  speakerName?: string;
  t: Translate;
  renderText: (text: string) => ComponentChildren;
  /** Asks this turn again (the last turn, when it failed or got no answer). */
  retry?: () => void;
  /** Asks for a new answer in place of this one (the last answer). */
  regenerate?: () => void;
  /** Goes on with this answer where it stopped (the last answer, cut short). */
  continueAnswer?: () => void;
  /** Opens this question for editing (a question the server keeps, while nothing is being written). */
  onEdit?: () => void;
  /** This question is being edited. */
  editing?: boolean;
  /** The edited text to send (a new branch), or undefined: editing cancelled. */
  onEdited?: (text?: string) => void;
  maxLength?: number;
  /** Shows another branch (a question) or version (an answer) of this message, 1-based. */
  onSwitch?: (index: number) => void;
  switchDisabled?: boolean;
}

/** A finished bubble: renders once, and again only when it, the language or its actions change. */
class SettledBubble extends Component<BubbleProps> {
  override shouldComponentUpdate(next: BubbleProps): boolean {
    return next.bubble !== this.props.bubble || next.t !== this.props.t ||
      !next.retry !== !this.props.retry || !next.regenerate !== !this.props.regenerate ||
      !next.continueAnswer !== !this.props.continueAnswer || next.speakerName !== this.props.speakerName ||
      !next.onEdit !== !this.props.onEdit || next.editing !== this.props.editing ||
      !next.onSwitch !== !this.props.onSwitch || next.switchDisabled !== this.props.switchDisabled;
  }

  override render() {
    const { bubble, speaker, speakerName, t, renderText, retry, regenerate, continueAnswer } = this.props;
    const { onEdit, editing, onEdited, onSwitch, switchDisabled, maxLength } = this.props;
    const answer = bubble.role === "assistant";
    const unanswered = bubble.role === "user" && retry;
    if (editing && onEdited) {
      return (
        <li class="bubble user editing" lang={bubble.lang}>
          <span class="speaker">{speaker}</span>
          <EditBox text={bubble.content} maxLength={maxLength} onDone={onEdited} t={t} />
        </li>
      );
    }
    const versionSwitch = answer && bubble.version && onSwitch && (
      <OrdinalSwitch
        ordinal={bubble.version}
        kind="version"
        onChoose={onSwitch}
        disabled={switchDisabled}
        t={t}
      />
    );
    return (
      <li class={`bubble ${bubble.role}`} lang={bubble.lang}>
        <span class="speaker">{speaker}</span>
        <Thinking
          reasoning={bubble.reasoning}
          live={false}
          stats={bubble.stats}
          stopped={bubble.incomplete && !bubble.content}
          t={t}
        />
        {(bubble.content || !answer) && (
          <div class="text">{answer ? renderText(bubble.content) : bubble.content}</div>
        )}
        {!answer && (onEdit || (bubble.branch && onSwitch)) && (
          <div class="question-actions">
            {bubble.branch && onSwitch && (
              <OrdinalSwitch
                ordinal={bubble.branch}
                kind="branch"
                onChoose={onSwitch}
                disabled={switchDisabled}
                t={t}
              />
            )}
            {onEdit && (
              <button type="button" class="btn btn-ghost btn-small btn-edit" onClick={onEdit}>
                {t("edit.edit")}
              </button>
            )}
          </div>
        )}
        {answer && bubble.incomplete && !bubble.error && (
          <p class="note">
            {t("stream.incomplete")}
            {continueAnswer && (
              <button type="button" class="btn btn-ghost btn-small btn-continue" onClick={continueAnswer}>
                {t("stream.continue")}
              </button>
            )}
          </p>
        )}
        {answer && bubble.stats && (
          <AnswerStatsLine
            stats={bubble.stats}
            t={t}
            speakerName={speakerName}
            withInfo={!bubble.content || !!bubble.error}
          />
        )}
        {answer && bubble.content && !bubble.error && (
          <AnswerActions source={bubble.content} onRegenerate={regenerate} t={t} stats={bubble.stats}>
            {versionSwitch}
          </AnswerActions>
        )}
        {answer && (!bubble.content || bubble.error) && versionSwitch}
        {(bubble.error || unanswered) && (
          <div class="alert alert-error">
            <span>{bubble.error ? failureText({ code: bubble.error }, t) : t("answer.no_answer")}</span>
            {retry && (
              <span class="alert-actions">
                <button type="button" class="btn" onClick={retry}>{t("stream.retry")}</button>
              </span>
            )}
          </div>
        )}
      </li>
    );
  }
}

/** A question opened for editing: sent as a new branch from there, the old one kept. */
function EditBox({ text, maxLength, onDone, t }: {
  text: string;
  maxLength?: number;
  onDone: (text?: string) => void;
  t: Translate;
}) {
  const draft = useSignal(text);
  const changed = draft.value.trim() !== "" && draft.value.trim() !== text;
  return (
    <form
      class="edit-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (changed) onDone(draft.value.trim());
      }}
    >
      <textarea
        aria-label={t("edit.label")}
        maxLength={maxLength}
        rows={Math.min(8, Math.max(2, text.split("\n").length))}
        value={draft.value}
        ref={(area) => {
          if (area && document.activeElement !== area && !area.dataset.focused) {
            area.dataset.focused = "1";
            area.focus();
          }
        }}
        onInput={(event) => (draft.value = (event.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            onDone();
          } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
          }
        }}
      />
      <span class="edit-actions">
        <button type="button" class="btn btn-ghost btn-small" onClick={() => onDone()}>
          {t("edit.cancel")}
        </button>
        <button type="submit" class="btn btn-primary btn-small" disabled={!changed}>{t("edit.send")}</button>
      </span>
    </form>
  );
}
