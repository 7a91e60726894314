/**
 * The contract between the server and the page, in one place: what travels on the wire and
 * the names both sides must agree on. It depends on nothing but the generated list of feature
 * names (plain data), so the browser bundle can import it without pulling in any server code (a
 * test walks the bundle's import graph to prove it).
 */
import { FEATURE_NAMES } from "./feature_names.gen.ts";

/** The features, in the order the page shows them (one folder each in lib/features/). */
export { FEATURE_NAMES };
export type FeatureName = typeof FEATURE_NAMES[number];

export function isFeatureName(value: string): value is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(value);
}

export const LANGUAGES = ["en", "ja"] as const;
export type Language = typeof LANGUAGES[number];

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** Field limits, in characters (after trimming). */
export const SHORT_TEXT_MAX = 200;
export const LONG_TEXT_MAX = 2000;

export const CHARACTER_IDS = ["dracula", "witch", "jack", "frankenstein", "ghost"] as const;
export type CharacterId = typeof CHARACTER_IDS[number];

export const STORY_STYLES = ["gothic", "parody", "classic"] as const;
export type StoryStyle = typeof STORY_STYLES[number];

/** The four answers a monster diagnosis asks for. */
export const MONSTER_FIELDS = ["favorite_food", "sleep_schedule", "hobby", "fear"] as const;
export type MonsterField = typeof MONSTER_FIELDS[number];

/** How fast an answer came, sent with `done` and shown under the answer. */
export interface AnswerStats {
  /** To the first word of the answer. */
  first_chunk_ms?: number;
  /** To the first word of a reasoning model's thinking, when it thought. */
  first_thought_ms?: number;
  tokens: number;
  tokens_per_second?: number;
  /** No usage from the model server: tokens are estimated from the text. */
  estimated: boolean;
  /** Earlier messages the model was given, when some had to be left out to fit its context. */
  remembered?: number;
  /** Earlier messages left out to fit the model's context. */
  forgotten?: number;
  /** Who answered: the model, and the server it runs on when known ("qwen2.5 · llama.cpp"). */
  model?: string;
}

/** Codes of an `error` event (and of a JSON error's `code`). */
export const ERROR_CODES = [
  "unreachable",
  "auth",
  "rate_limited",
  "upstream",
  "bad_response",
  "truncated",
  "timeout",
  "stalled",
  "shutdown",
  "storage",
  "orphaned",
  "reasoning_budget",
  "internal",
  "too_many_requests",
  "too_many_answers",
  "context_full",
] as const;
export type ErrorCode = typeof ERROR_CODES[number];

/**
 * The HTTP status of an answer that failed before any of it was sent, by its code: the model
 * server's slowness is a gateway timeout, its refusal to take more (or a store that stayed
 * unavailable) is "unavailable", anything else it did is a bad gateway.
 */
export function httpStatusOf(code: string): number {
  if (code === "timeout" || code === "stalled") return 504;
  if (code === "rate_limited" || code === "storage") return 503;
  if (code === "context_full") return 413;
  return 502;
}

/** The other way round, for the page: what a refused or failed request's status means. */
export function codeOfHttpStatus(status: number): ErrorCode | "request" {
  if (status === 429) return "too_many_requests";
  if (status >= 400 && status < 500) return "request";
  if (status === 504) return "timeout";
  if (status === 503) return "rate_limited";
  return "upstream";
}

/** A stored or shown message, as far as the rules of turns need it. */
export interface TurnMessage {
  role: "user" | "assistant" | "system";
  content: string;
  incomplete?: boolean;
}

/**
 * How many of a conversation's last messages a new question replaces: the same question again
 * right after an unfinished (stopped or failed) answer, or after no answer at all, is a retry of
 * that turn (2, or 1 without an answer); asked to regenerate, it replaces the last answer even
 * when that one finished. The server stores by it and the page shows by it.
 */
export function replacedMessages(
  messages: readonly TurnMessage[],
  question: string,
  regenerating: boolean,
): number {
  const last = messages.at(-1);
  if (last?.role === "user" && last.content === question) return 1;
  const before = messages.at(-2);
  if (
    last?.role === "assistant" && (last.incomplete || regenerating) && before?.role === "user" &&
    before.content === question
  ) return 2;
  return 0;
}

/** A message as the server gives it back (the page's props, `GET /api/history/…`). */
export interface PublicMessage {
  role: "user" | "assistant";
  content: string;
  /** A stopped or failed answer, or one still being written: the text as far as it got. */
  incomplete?: boolean;
  /** A reasoning model's thinking before the answer: shown again, never sent upstream again. */
  reasoning?: string;
  /** How soon and how fast the answer came (and what the model remembered). */
  stats?: AnswerStats;
  /** Why the answer failed (a contract error code): the page shows it, with Retry. */
  error?: string;
  /** The language it was written in. */
  lang?: string;
  /** The turn it belongs to (a question and its answer share it): what Edit and Continue name. */
  turn_id?: string;
  /** A question asked again (edited): which of its branches this is, 1-based, of how many. */
  branch?: Ordinal;
  /** An answer given again (Regenerate): which of its versions this is, 1-based, of how many. */
  version?: Ordinal;
}

/** A conversation as the list shows it (`GET /api/conversations`). */
export interface ConversationSummary {
  id: string;
  feature: string;
  /** Where the page shows it: the feature, or `feature/part` (a chat's character). */
  shelf: string;
  /** Its first message (or a result's inputs), or the reader's own. */
  title: string;
  /** The language of its first question. */
  lang?: string;
  createdAt: number;
  updatedAt: number;
  /** Turns it holds, every branch counted. */
  turns: number;
}

/** A conversation removed to keep the session within its bounds (the page says so). */
export interface RemovedNotice {
  title: string;
  feature: string;
  shelf: string;
  at: number;
  /** Which bound it made room under: the number of conversations, or the bytes of text. */
  reason: "conversations" | "bytes";
}

/** A conversation opened (`GET /api/conversations/{id}`): it, and a window of its shown branch. */
export interface ConversationWindowBody {
  conversation: ConversationSummary;
  messages: PublicMessage[];
  /** The window's first turn, when there are turns before it (ask with `?before=`). */
  older?: string;
}

/** One of several, 1-based: `{"index":2,"count":3}` reads "2/3". */
export interface Ordinal {
  index: number;
  count: number;
}

/** The JSON payloads of the SSE stream (the README's "Streaming" section). */
export type StreamEvent =
  | { type: "content"; chunk: string }
  | { type: "reasoning"; chunk: string }
  | {
    type: "done";
    chunk: "";
    stats?: AnswerStats;
    finish_reason?: string;
    /** Where the answer is kept: its conversation and turn (with a session). */
    conversation_id?: string;
    turn_id?: string;
  }
  | { type: "error"; error: string; code?: string; server_message?: string };

/** Why a model stopped: `stop` (it finished), `length` (cut at the length limit), `content_filter`, … */
export type FinishReason = string;

export const contentEvent = (chunk: string): StreamEvent => ({ chunk, type: "content" });
export const reasoningEvent = (chunk: string): StreamEvent => ({ chunk, type: "reasoning" });
/** What `done` says besides the stats: why the model stopped, and where the answer is kept. */
export interface AnswerEnd {
  finishReason?: FinishReason;
  conversationId?: string;
  turnId?: string;
}

export const doneEvent = (stats?: AnswerStats, end: AnswerEnd = {}): StreamEvent => ({
  chunk: "",
  type: "done",
  ...(stats ? { stats } : {}),
  ...(end.finishReason ? { finish_reason: end.finishReason } : {}),
  ...(end.conversationId ? { conversation_id: end.conversationId } : {}),
  ...(end.turnId ? { turn_id: end.turnId } : {}),
});
export const errorEvent = (error: string, code?: string, serverMessage?: string): StreamEvent => ({
  error,
  type: "error",
  code,
  ...(serverMessage ? { server_message: serverMessage } : {}),
});

/** The API's paths, as the page calls them. */
export const apiPaths = {
  stream: (feature: string) => `/api/${feature}-stream`,
  complete: (feature: string) => `/api/${feature}`,
  resume: (answerId: string) => `/api/streams/${answerId}`,
  stop: (answerId: string) => `/api/streams/${answerId}/stop`,
  /** A feature's conversations, or one of them (`character-chat/witch`, or the feature's own `trivia-bot`). */
  history: (feature: string, conversation?: string) =>
    conversation
      ? `/api/history/${conversation.split("/").map(encodeURIComponent).join("/")}`
      : `/api/history/${feature}`,
  language: "/api/set-language",
  conversations: (feature?: string) =>
    feature ? `/api/conversations?feature=${encodeURIComponent(feature)}` : "/api/conversations",
  conversation: (id: string) => `/api/conversations/${encodeURIComponent(id)}`,
  show: (id: string, turnId: string) =>
    `/api/conversations/${encodeURIComponent(id)}/turns/${encodeURIComponent(turnId)}/show`,
  health: "/api/health",
} as const;
