/**
 * Stage 3 of an answer: open the turn — the context from the stored conversation, whether this
 * retries an unfinished turn, and the question stored with its answer opened for this answer's
 * writer. Every check comes before any write, and the question is written while the model is
 * asked (the first word does not wait for the commit); the answer is saved only after its
 * question, against its own turn.
 */
import { GO_ON, type PreparedRequest } from "../features/feature.ts";
import { ApiError } from "../http/api_error.ts";
import type { AnswerStats, Language } from "../shared/contract.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { AnswerRequest } from "./request.ts";
import {
  type AnswerAddress,
  type ConversationStore,
  ConversationTaken,
  type Ending,
  messagesOf,
  NoSuchConversation,
  placeOf,
  type WriteFence,
} from "../session/conversation_store.ts";

export interface OpenTurn {
  /** The earlier messages to send with the user's turn. */
  context: ChatMessage[];
  /** The user's turn as sent to the model (the request's own, or the ask to go on). */
  user: string;
  /**
   * Stores the answer (marked incomplete when it did not finish), with the thinking before it,
   * which is kept for the page but never sent upstream again. "fenced" when the answer was ended
   * by someone else first (its text is then not kept); "written" without a session too.
   */
  saveAnswer(
    content: string,
    incomplete: boolean,
    reasoning?: string,
    extras?: AnswerExtras,
  ): Promise<Ending>;
  /** Where the answer is stored, once its question is (nothing without a session). */
  place(): Promise<AnswerPlace | undefined>;
}

/** A stored answer's conversation and turn: the `done` event and the JSON answer name them. */
export interface AnswerPlace {
  conversationId: string;
  turnId: string;
}

/** What is kept with an answer besides its text. */
export interface AnswerExtras {
  stats?: AnswerStats;
  /** The failure's code: a failed answer is kept even without text, so the page can offer Retry. */
  error?: string;
}

export interface TurnOptions {
  continuing?: boolean;
  regenerating?: boolean;
  language?: Language;
  /** The token that lets this answer's writer, and no one else, end it (the answer id when resumable). */
  writer: string;
  /** The turn to continue (the conversation's last when not given), or to edit. */
  turnId?: string;
  /** Asks the question of `turnId` anew: a new branch of the conversation. */
  editing?: boolean;
  /** The conversation named by the request (one of the session's, or a new id). */
  conversationId?: string;
  /** The feature asked (a new conversation records it). */
  feature: string;
  /** A second guard on saving the answer (a resumable answer's event log). */
  fence?: WriteFence;
  /** The session's record being written (a new visitor's): the question is stored after it. */
  sessionWritten?: Promise<unknown>;
}

/** Opens the turn an answer request asks for, as `writer` (and guarded by `fence`). */
export function openRequestedTurn(
  store: ConversationStore,
  sessionId: string | undefined,
  request: AnswerRequest,
  { writer, fence, sessionWritten }: Pick<TurnOptions, "writer" | "fence" | "sessionWritten">,
): Promise<OpenTurn> {
  return openTurn(store, sessionId, request.turn, {
    continuing: request.continuing,
    regenerating: request.regenerating,
    editing: request.editing,
    language: request.language,
    feature: request.feature.name,
    turnId: request.turnId,
    conversationId: request.conversationId,
    writer,
    fence,
    sessionWritten,
  });
}

/**
 * Opens the turn. Without a session, or with a conversation the client keeps itself, nothing is
 * stored: the context is the client's own.
 */
export async function openTurn(
  store: ConversationStore,
  sessionId: string | undefined,
  turn: PreparedRequest,
  {
    continuing = false,
    regenerating = false,
    editing = false,
    language = "en",
    writer,
    turnId,
    feature,
    fence,
    conversationId,
    sessionWritten,
  }: TurnOptions,
): Promise<OpenTurn> {
  if (continuing) {
    return await continueTurn(store, sessionId, turn, language, { writer, turnId, fence, conversationId });
  }
  if (!sessionId || turn.clientHistory) {
    const context = alternating(turn.clientHistory ?? []);
    checkEarlierAnswer(turn, context);
    return {
      context,
      user: turn.user,
      saveAnswer: () => Promise.resolve("written" as const),
      place: () => Promise.resolve(undefined),
    };
  }
  // A request that starts its conversation afresh (a new story) starts a new conversation of the
  // shelf: the earlier ones stay on its shelf.
  const destination = {
    shelf: turn.shelf,
    feature,
    conversationId,
    fresh: !turn.continues,
    title: turn.title,
  };
  const edit = editing ? turnId : undefined;
  // One read decides what the model gets now and where the question goes (read again only when
  // another write came between).
  const snapshot = await asStoreError(() => store.read(sessionId, destination, edit));
  const place = placeOf(snapshot.branch, turn.user, regenerating);
  if (destination.fresh && snapshot.conversation && place.replaced === 0) {
    throw storeError(new ConversationTaken());
  }
  const context = alternating(edit ? messagesOf(snapshot.branch) : place.context);
  checkEarlierAnswer(turn, context);
  const asked = (sessionWritten ?? Promise.resolve()).then(() =>
    store.ask(
      sessionId,
      destination,
      { content: turn.user, lang: language },
      { writer, regenerating, edit, snapshot },
    )
  );
  // Raised when the answer is saved, so an answer never goes in without its question.
  asked.catch(() => {});
  return {
    context,
    user: turn.user,
    async saveAnswer(content, incomplete, reasoning, extras = {}) {
      const { address } = await asked;
      return await store.finish(address, { content, reasoning, incomplete, ...extras }, fence);
    },
    place: () => asked.then(({ address }) => placeOfAddress(address), () => undefined),
  };
}

const placeOfAddress = ({ conversationId, turnId }: AnswerAddress): AnswerPlace => ({
  conversationId,
  turnId,
});

/** The store's refusals as the API says them: a conversation or turn not found, a result named again. */
function storeError(error: unknown): unknown {
  if (error instanceof NoSuchConversation) {
    return new ApiError(404, error.message, {
      field: error.what === "conversation" ? "conversation_id" : "turn_id",
    });
  }
  if (error instanceof ConversationTaken) {
    return new ApiError(409, error.message, { field: "conversation_id" });
  }
  return error;
}

async function asStoreError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeError(error);
  }
}

/**
 * Going on with an answer: the conversation up to it goes as context, the ask to go on is not
 * stored, and what comes is added to that answer — the one chosen now, whatever is asked meanwhile.
 */
async function continueTurn(
  store: ConversationStore,
  sessionId: string | undefined,
  turn: PreparedRequest,
  language: Language,
  { writer, turnId, fence, conversationId }: {
    writer: string;
    turnId?: string;
    fence?: WriteFence;
    conversationId?: string;
  },
): Promise<OpenTurn> {
  const reopened = sessionId
    ? await asStoreError(() =>
      store.reopen(sessionId, { shelf: turn.shelf, conversationId }, { writer, turnId })
    )
    : undefined;
  if (!reopened) throw new ApiError(400, "there is no answer to continue", { field: "continue" });
  const address: AnswerAddress = reopened.address;
  return {
    context: alternating(reopened.context),
    user: GO_ON[language],
    // A continuation that failed keeps the answer as it was (unfinished), with what did come.
    saveAnswer: (content, incomplete) => store.finish(address, { content, incomplete }, fence),
    place: () => Promise.resolve(placeOfAddress(address)),
  };
}

function checkEarlierAnswer(turn: PreparedRequest, context: ChatMessage[]): void {
  if (turn.needsEarlierAnswer && context.length === 0) {
    throw new ApiError(400, turn.needsEarlierAnswer.error, { field: turn.needsEarlierAnswer.field });
  }
}

/**
 * The context with turns alternating, as models expect: a question that got no answer (its
 * answer failed before any text, or its instance died) is left out, so the new question never
 * follows another user message.
 */
function alternating(messages: ChatMessage[]): ChatMessage[] {
  // A failed answer kept without text (for the page's Retry) is no answer.
  const context = messages.filter((message) => message.role !== "assistant" || message.content !== "")
    .map(({ role, content }) => ({ role, content }));
  return context.filter((message, i) =>
    message.role !== "user" || (context[i + 1]?.role ?? "user") === "assistant"
  );
}
