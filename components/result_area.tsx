import type { ComponentChildren } from "preact";
import type { ConversationBook } from "../lib/client/conversation.ts";
import { AnswerActions } from "./answer_actions.tsx";
import { Announcer, AnswerStatsLine, BookStatus } from "./status_row.tsx";
import { Thinking } from "./thinking.tsx";
import type { Translate } from "./translate.ts";

/**
 * The answer of a one-shot feature: the one streaming now, or the one opened from the shelf (the
 * last one, after a reload).
 * Only the visible panel's answer carries `#streaming-bubble`.
 */
export function ResultArea({ book, shelf, id, selected, empty, speakerName, t, children }: {
  book: ConversationBook;
  /** The shelf whose shown conversation holds the result (the feature's own). */
  shelf: string;
  id: string;
  selected: boolean;
  empty: string;
  /** Who wrote the answer, in words, for its screen-reader announcement. */
  speakerName: string;
  t: Translate;
  children: (text: string) => ComponentChildren;
}) {
  const { controller } = book;
  const conversation = book.idIn(shelf);
  if (book.loading.value === conversation && book.bubbles(conversation).length === 0) {
    return <p id={id} class="result note loading" role="status">{t("list.loading")}</p>;
  }
  const answer = book.bubbles(conversation).findLast((bubble) => bubble.role === "assistant");
  const live = answer?.live === true;
  const stored = live ? undefined : answer;
  const text = answer?.content ?? "";
  const finished = text !== "" && (!live || controller.status.value === "done" ||
    controller.status.value === "stopped");
  return (
    <div
      id={id}
      class="result"
      lang={answer?.lang}
      aria-busy={live && controller.active.value ? "true" : "false"}
    >
      <Thinking
        reasoning={answer?.reasoning}
        controller={live ? controller : undefined}
        live={live}
        stats={answer?.stats}
        stopped={!live && answer?.incomplete && !answer.content}
        t={t}
      />
      {text
        ? (
          <div id={selected && live ? "streaming-bubble" : undefined} class="result-body">
            {children(text)}
          </div>
        )
        : !live && <p class="empty">{empty}</p>}
      {!live && stored?.incomplete && <span class="note">{t("stream.incomplete")}</span>}
      {stored?.stats && !finished && <AnswerStatsLine stats={stored.stats} t={t} />}
      {finished && (
        <AnswerActions
          source={text}
          t={t}
          stats={stored?.stats ?? (controller.status.value === "done" ? controller.stats.value : undefined)}
        />
      )}
      {live && <BookStatus book={book} t={t} stats={false} />}
      <Announcer book={book} speakerName={speakerName} t={t} />
    </div>
  );
}
