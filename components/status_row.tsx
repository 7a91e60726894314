import type { ConversationBook } from "../lib/client/conversation.ts";
import type { StreamController } from "../lib/client/stream_controller.ts";
import type { MessageKey } from "../lib/i18n/mod.ts";
import { type AnswerStats, ERROR_CODES } from "../lib/shared/contract.ts";
import type { Translate } from "./translate.ts";
import { spokenAnswer } from "../lib/client/spoken_text.ts";

/** The streaming indicator (Stop stands in Send's place), and after a failure the error with Retry. */
export function StatusRow({ controller, t, onRetry, onContinue, onNewChat, stats = true }: {
  controller: StreamController;
  t: Translate;
  /** Whether the speed line of a finished answer goes here (a chat shows it inside the bubble). */
  stats?: boolean;
  /** What Retry does; by default the controller sends the same request again. */
  onRetry?: () => void;
  /** Goes on with an answer cut at the length limit or stopped, where there is such a way. */
  onContinue?: () => void;
  /** Starts the conversation afresh: the way on when it no longer fits the model's context. */
  onNewChat?: () => void;
}) {
  const cut = controller.status.value === "done" && controller.finishReason.value === "length";
  const canContinue = onContinue !== undefined && controller.canRetry;
  const status = controller.status.value;
  const failure = controller.failure.value;
  // While the model thinks, "Thinking… N s" in the answer is the one sign of progress on screen.
  const thinking = controller.thinkingSince.value !== null && controller.answerSince.value === null;
  return (
    <>
      <div class="streaming-indicator" role="status" hidden={status !== "streaming"}>
        <span class="dots" aria-hidden="true" hidden={thinking && !controller.reconnecting.value}>
          <i />
          <i />
          <i />
        </span>
        <span
          class={controller.reconnecting.value ? "reconnecting" : thinking ? "sr-only" : undefined}
        >
          {t(controller.reconnecting.value ? "stream.reconnecting" : "stream.generating")}
        </span>
      </div>
      {(status === "stopped" || cut) && (
        <p class="note" role="status">
          {t(cut ? "stream.length_limit" : "stream.stopped")}
          {canContinue && (
            <button type="button" class="btn btn-ghost btn-continue" onClick={onContinue}>
              {t("stream.continue")}
            </button>
          )}
        </p>
      )}
      {stats && status === "done" && controller.stats.value && (
        <AnswerStatsLine
          stats={controller.stats.value}
          t={t}
        />
      )}
      {status === "error" && failure && (
        <div class="alert alert-error" role="alert">
          <span>
            {failureText(failure, t)}
            {failure.serverMessage && (
              <span class="server-said">{t("error.server_said", { message: failure.serverMessage })}</span>
            )}
          </span>
          <span class="alert-actions">
            {failure.code === "context_full" && onNewChat && (
              <button type="button" class="btn btn-primary" onClick={onNewChat}>
                {t("error.new_chat")}
              </button>
            )}
            {controller.canRetry && failure.code !== "context_full" && (
              <button type="button" class="btn" onClick={() => (onRetry ? onRetry() : controller.retry())}>
                {t("stream.retry")}
              </button>
            )}
            {controller.streaming && WITHOUT_STREAMING_HELPS(failure.code) && (
              <button
                type="button"
                class="btn btn-ghost"
                onClick={() => controller.retryWithoutStreaming()}
              >
                {t("stream.without_streaming")}
              </button>
            )}
          </span>
        </div>
      )}
    </>
  );
}

/**
 * Failures that asking without streaming can get round (a stream cut, stalled or unreadable on
 * the way); not a server that cannot be reached or refuses the key, nor Kabotan's own limits.
 */
const WITHOUT_STREAMING_HELPS = (code: string) =>
  ![
    "unreachable",
    "auth",
    "too_many_requests",
    "too_many_answers",
    "request",
    "reasoning_budget",
    "context_full",
  ].includes(code);

/** A conversation's status line: Retry asks again, Continue goes on with the same answer. */
export function BookStatus({ book, t, stats }: { book: ConversationBook; t: Translate; stats?: boolean }) {
  return (
    <StatusRow
      controller={book.controller}
      t={t}
      stats={stats}
      onRetry={() => book.again()}
      onContinue={() => void book.continueAnswer()}
      onNewChat={() => book.startOver()}
    />
  );
}

/**
 * Under an answer: when earlier messages were left out to fit the model's context, how many it
 * remembered (said once, on the last answer); and, unless the answer's actions carry it, the info
 * control (`AnswerInfo`).
 */
export function AnswerStatsLine(
  { stats, t, speakerName, withInfo = true }: {
    stats: AnswerStats;
    t: Translate;
    speakerName?: string;
    withInfo?: boolean;
  },
) {
  return (
    <>
      {stats.forgotten && speakerName
        ? (
          <p class="remembers">
            {t("stream.remembers", { name: speakerName, count: stats.remembered ?? 0 })}
          </p>
        )
        : null}
      {withInfo && <AnswerInfo stats={stats} t={t} />}
    </>
  );
}

/** Behind a quiet info control: how soon and how fast the answer came, and which model wrote it. */
export function AnswerInfo({ stats, t }: { stats: AnswerStats; t: Translate }) {
  const first = stats.first_chunk_ms === undefined ? undefined : (stats.first_chunk_ms / 1000).toFixed(2);
  const rate = stats.tokens_per_second === undefined ? undefined : Math.round(stats.tokens_per_second);
  if (first === undefined && !stats.model) return null;
  return (
    <details class="answer-info">
      <summary title={t("answer.info")}>
        <span aria-hidden="true">ⓘ</span>
        <span class="sr-only">{t("answer.info")}</span>
      </summary>
      {first !== undefined && (
        <p class="answer-stats">
          {rate === undefined
            ? t("stream.stats_first", { first })
            : t(stats.estimated ? "stream.stats_estimated" : "stream.stats", { first, rate })}
        </p>
      )}
      {stats.model && <p class="answer-model">{t("answer.model", { model: stats.model })}</p>}
    </details>
  );
}

/** Failures with a message of their own: the contract's codes, and the page's own `network`. */
const KNOWN_CODES = new Set<string>([...ERROR_CODES, "network"]);

export function failureText(
  failure: { code: string; message?: string; retryAfterSeconds?: number },
  t: Translate,
): string {
  if (failure.code === "request") return t("error.request", { message: failure.message ?? "" });
  // Kabotan's own limits, said as such, with when to try again.
  if (failure.code === "too_many_requests" || failure.code === "too_many_answers") {
    return t(`error.${failure.code}`, { seconds: failure.retryAfterSeconds ?? 5 });
  }
  if (KNOWN_CODES.has(failure.code)) return t(`error.${failure.code}` as MessageKey);
  return t("error.unknown");
}

/**
 * The polite live region of a conversation: its last finished answer once, with who wrote it, or
 * that it was stopped. Never token by token.
 */
export function Announcer({ book, speakerName, speakerOf, t }: {
  book: ConversationBook;
  speakerName: string;
  /** Who writes on a shelf (a chat's character), for an answer written while another was shown. */
  speakerOf?: (shelf: string) => string;
  t: Translate;
}) {
  const said = book.announcement.value;
  const speaker = said?.shelf && speakerOf ? speakerOf(said.shelf) : speakerName;
  return (
    <p class="sr-only announcer" aria-live="polite">
      {said && (said.stopped ? t("stream.stopped") : spokenAnswer(speaker, said.text))}
    </p>
  );
}
