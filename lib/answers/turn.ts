/**
 * Stage 3 of an answer: open the turn — the context from the stored conversation, whether this
 * retries an unfinished turn, and the user's turn stored. Every check comes before any write.
 */
import { CONTEXT_MESSAGES, type PreparedRequest } from "../features/feature.ts";
import { ApiError } from "../http/api_error.ts";
import type { Language } from "../shared/contract.ts";
import { type AnswerStats, replacedMessages } from "../shared/contract.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { HistoryStore } from "../session/history.ts";

export interface OpenTurn {
  /** The earlier messages to send with the user's turn. */
  context: ChatMessage[];
  /** The user's turn as sent to the model (the request's own, or the ask to go on). */
  user: string;
  /**
   * Stores the answer (marked incomplete when it did not finish), with the thinking before it,
   * which is kept for the page but never sent upstream again; a no-op without a sessionId.
   */
  saveAnswer(
    content: string,
    incomplete: boolean,
    reasoning?: string,
    extras?: AnswerExtras,
  ): Promise<void>;
}

/** What is kept with an answer besides its text. */
export interface AnswerExtras {
  stats?: AnswerStats;
  /** The failure's code: a failed answer is kept even without text, so the page can offer Retry. */
  error?: string;
}

/** The ask to go on with an answer that was cut, in the request's language. */
const GO_ON: Record<Language, string> = {
  en: "Continue exactly where you stopped, without repeating anything.",
  ja: "止まったところからそのまま続けてください。繰り返さないでください。",
};

export async function openTurn(
  history: HistoryStore,
  sessionId: string | undefined,
  turn: PreparedRequest,
  { continuing = false, regenerating = false, language = "en" }: {
    continuing?: boolean;
    regenerating?: boolean;
    language?: Language;
  } = {},
): Promise<OpenTurn> {
  if (continuing) return await continueTurn(history, sessionId, turn, language);
  let context: ChatMessage[] = turn.clientHistory ?? [];
  let retried = 0;
  if (sessionId && turn.continues) {
    const stored = await history.list(sessionId, turn.conversationKey, CONTEXT_MESSAGES + 2);
    // Asking again what the last answer did not finish is a retry: it replaces that turn.
    retried = replacedMessages(stored, turn.user, regenerating);
    context = stored.slice(0, stored.length - retried).map(({ role, content }) => ({ role, content }));
  }
  context = alternating(context);
  if (turn.needsEarlierAnswer && context.length === 0) {
    throw new ApiError(400, turn.needsEarlierAnswer.error, { field: turn.needsEarlierAnswer.field });
  }
  // The user's turn is written while the model is asked (not before: that would delay the first
  // word by the KV round trips); the answer is written only once it is.
  const userTurnStored = sessionId ? storeUserTurn(history, sessionId, turn, retried, language) : undefined;
  // Raised when the answer is saved, so an answer never goes in without its question.
  userTurnStored?.catch(() => {});
  return {
    context,
    user: turn.user,
    async saveAnswer(content, incomplete, reasoning, extras = {}) {
      if (!sessionId || (!content && !extras.error)) return;
      await userTurnStored;
      await history.append(sessionId, turn.conversationKey, {
        role: "assistant",
        content,
        lang: language,
        ...(incomplete ? { incomplete } : {}),
        ...(reasoning ? { reasoning } : {}),
        ...(extras.stats && !extras.error ? { stats: extras.stats } : {}),
        ...(extras.error ? { error: extras.error } : {}),
      });
    },
  };
}

async function storeUserTurn(
  history: HistoryStore,
  sessionId: string,
  turn: PreparedRequest,
  retried: number,
  language: Language,
): Promise<void> {
  if (retried > 0) await history.dropLast(sessionId, turn.conversationKey, retried);
  if (!turn.continues) await history.clear(sessionId, turn.conversationKey);
  await history.append(sessionId, turn.conversationKey, { role: "user", content: turn.user, lang: language });
}

/**
 * Going on with the conversation's last answer: the whole conversation goes as context, the ask
 * to go on is not stored, and what comes is added to that answer rather than kept apart.
 */
async function continueTurn(
  history: HistoryStore,
  sessionId: string | undefined,
  turn: PreparedRequest,
  language: Language,
): Promise<OpenTurn> {
  const stored = sessionId ? await history.list(sessionId, turn.conversationKey, CONTEXT_MESSAGES + 1) : [];
  if (stored.at(-1)?.role !== "assistant" || !stored.at(-1)?.content) {
    throw new ApiError(400, "there is no answer to continue", { field: "continue" });
  }
  return {
    context: alternating(stored.map(({ role, content }) => ({ role, content }))),
    user: GO_ON[language],
    async saveAnswer(content, incomplete) {
      if (!sessionId || !content) return;
      await history.extendLast(sessionId, turn.conversationKey, content, incomplete);
    },
  };
}

/**
 * The context with turns alternating, as models expect: a question that got no answer (its
 * answer failed before any text, or its instance died) is left out, so the new question never
 * follows another user message.
 */
function alternating(messages: ChatMessage[]): ChatMessage[] {
  // A failed answer kept without text (for the page's Retry) is no answer.
  const context = messages.filter((message) => message.role !== "assistant" || message.content !== "");
  return context.filter((message, i) =>
    message.role !== "user" || (context[i + 1]?.role ?? "user") === "assistant"
  );
}
