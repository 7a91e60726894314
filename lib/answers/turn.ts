/**
 * Stage 3 of an answer: open the turn — the context from the stored conversation, whether this
 * retries an unfinished turn, and the user's turn stored. Every check comes before any write.
 */
import { CONTEXT_MESSAGES, type PreparedRequest } from "../features/feature.ts";
import { ApiError } from "../http/api_error.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { HistoryStore, StoredMessage } from "../session/history.ts";

export interface OpenTurn {
  /** The earlier messages to send with the user's turn. */
  context: ChatMessage[];
  /**
   * Stores the answer (marked incomplete when it did not finish), with the thinking before it,
   * which is kept for the page but never sent upstream again; a no-op without a session.
   */
  saveAnswer(content: string, incomplete: boolean, reasoning?: string): Promise<void>;
}

export async function openTurn(
  history: HistoryStore,
  session: string | undefined,
  turn: PreparedRequest,
): Promise<OpenTurn> {
  let context: ChatMessage[] = turn.clientHistory ?? [];
  let retried = 0;
  if (session && turn.continues) {
    const stored = await history.list(session, turn.conversationKey, CONTEXT_MESSAGES + 2);
    // Asking again what the last answer did not finish is a retry: it replaces that turn.
    retried = unfinishedTurn(stored, turn.user);
    context = stored.slice(0, stored.length - retried).map(({ role, content }) => ({ role, content }));
  }
  context = alternating(context);
  if (turn.needsEarlierAnswer && context.length === 0) {
    throw new ApiError(400, turn.needsEarlierAnswer.error, { field: turn.needsEarlierAnswer.field });
  }
  if (session) {
    if (retried > 0) await history.dropLast(session, turn.conversationKey, retried);
    if (!turn.continues) await history.clear(session, turn.conversationKey);
    await history.append(session, turn.conversationKey, { role: "user", content: turn.user });
  }
  return {
    context,
    async saveAnswer(content, incomplete, reasoning) {
      if (!session || !content) return;
      await history.append(session, turn.conversationKey, {
        role: "assistant",
        content,
        ...(incomplete ? { incomplete } : {}),
        ...(reasoning ? { reasoning } : {}),
      });
    },
  };
}

/**
 * The context with turns alternating, as models expect: a question that got no answer (its
 * answer failed before any text, or its instance died) is left out, so the new question never
 * follows another user message.
 */
function alternating(context: ChatMessage[]): ChatMessage[] {
  return context.filter((message, i) =>
    message.role !== "user" || (context[i + 1]?.role ?? "user") === "assistant"
  );
}

/**
 * How many stored messages a new user turn replaces: the same question again right after an
 * unfinished (stopped or failed) answer, or after no answer at all, is a retry of that turn.
 */
function unfinishedTurn(context: StoredMessage[], question: string): number {
  const last = context.at(-1);
  if (last?.role === "user" && last.content === question) return 1;
  const before = context.at(-2);
  if (
    last?.role === "assistant" && last.incomplete && before?.role === "user" && before.content === question
  ) return 2;
  return 0;
}
