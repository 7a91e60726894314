/**
 * The page's one way to the server: the only code that knows the API's paths and HTTP. Like the
 * AI SDK's ChatTransport, it hands its controller events, not responses: a refusal (any status,
 * with the server's message and Retry-After) or an unreachable server is a typed AnswerFailure,
 * a finished answer with nothing left to read (204) is `null`. `fetch` is its one seam (tests
 * pass their own).
 */
import {
  type AnswerStats,
  apiPaths,
  codeOfHttpStatus,
  type ConversationSummary,
  type ConversationWindowBody,
  ERROR_CODES,
  type RemovedNotice,
} from "../shared/contract.ts";
import { readStreamEvents, type ReceivedEvent } from "./sse_reader.ts";

/** Why an answer could not be had, as the page shows it: a code, the server's words, when to ask again. */
export class AnswerFailure extends Error {
  constructor(
    /** A code from the server (`timeout`, `upstream`…), or `network`, `request`. */
    readonly code: string,
    message?: string,
    /** Seconds to wait before asking again, when the server said. */
    readonly retryAfterSeconds?: number,
    /** The model server's own words about it, when it was the one to fail. */
    readonly modelServerSays?: string,
  ) {
    super(message ?? code);
    this.name = "AnswerFailure";
  }

  /** The server gave its own words (not just a code). */
  get serverMessage(): string | undefined {
    return this.message === this.code ? undefined : this.message;
  }
}

/** A whole answer from the non-streaming endpoint. */
export interface CompleteAnswer {
  content: string;
  reasoning?: string;
  stats?: AnswerStats;
  finish_reason?: string;
  conversation_id?: string;
  turn_id?: string;
}

export interface Transport {
  /** Starts a streamed answer (`POST /api/{feature}-stream`): its events as they come. */
  startStream(
    feature: string,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ReceivedEvent>>;
  /**
   * Reads a resumable answer after `lastEventId` (`GET /api/streams/{id}`); `null` when it has
   * finished and everything after that event was already read.
   */
  resumeStream(
    answerId: string,
    lastEventId: number,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ReceivedEvent> | null>;
  /** Asks the server to stop an answer wherever it runs (survives the page going away). */
  stopStream(answerId: string): void;
  /** The whole answer as JSON: `POST /api/{feature}`. */
  complete(feature: string, body: Record<string, unknown>, signal: AbortSignal): Promise<CompleteAnswer>;
  /** Forgets a feature's conversations on the server, or only one of them. */
  clearHistory(feature: string, conversation?: string): Promise<void>;
  /** A feature's conversations, most recent first, and those removed lately to make room. */
  conversations(feature: string): Promise<{ conversations: ConversationSummary[]; removed: RemovedNotice[] }>;
  /** A conversation and its last turns, or those before the turn `before`; null when it is gone. */
  conversation(id: string, before?: string): Promise<ConversationWindowBody | null>;
  renameConversation(id: string, title: string): Promise<void>;
  /** Deletes a conversation on the server (sent even as the page goes away); false when it could not say so. */
  deleteConversation(id: string): Promise<boolean>;
  /** Shows another version of a turn's answer, or another branch at a turn; the new window. */
  show(
    id: string,
    turnId: string,
    choice: { version: number } | { branch: number },
  ): Promise<ConversationWindowBody>;
  setLanguage(language: string): Promise<void>;
  /** Whether the model server can be reached, as `/api/health` says (true when unsure). */
  modelReachable(): Promise<boolean>;
}

export function httpTransport(fetcher: typeof fetch = (input, init) => fetch(input, init)): Transport {
  const json = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  /** The response, or an AnswerFailure("network") when there was none (an abort stays an abort). */
  async function send(url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
    try {
      return await fetcher(url, init);
    } catch (error) {
      if (init.signal.aborted) throw error;
      throw new AnswerFailure("network");
    }
  }
  /** An event stream's events; a refusal, or a response with no body, is an AnswerFailure. */
  async function events(response: Response): Promise<AsyncIterable<ReceivedEvent>> {
    if (!response.ok || !response.body) throw await failureOf(response);
    return readStreamEvents(response.body);
  }
  async function read<T>(url: string): Promise<T> {
    const response = await send(url, {
      headers: { accept: "application/json" },
      signal: new AbortController().signal,
    });
    if (!response.ok) throw await failureOf(response);
    return await response.json() as T;
  }
  return {
    startStream: async (feature, body, signal) =>
      await events(
        await send(apiPaths.stream(feature), {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream" },
          body: JSON.stringify(body),
          signal,
        }),
      ),
    async resumeStream(answerId, lastEventId, signal) {
      const response = await send(apiPaths.resume(answerId), {
        headers: { accept: "text/event-stream", "last-event-id": String(lastEventId) },
        signal,
      });
      return response.status === 204 ? null : await events(response);
    },
    stopStream(answerId) {
      void fetcher(apiPaths.stop(answerId), { method: "POST", keepalive: true }).catch(() => {});
    },
    async complete(feature, body, signal) {
      const response = await send(apiPaths.complete(feature), { ...json(body), signal });
      if (!response.ok) throw await failureOf(response);
      return await response.json() as CompleteAnswer;
    },
    async clearHistory(feature, conversation) {
      // keepalive: it may be sent as the page goes away (the end of an Undo window).
      await fetcher(apiPaths.history(feature, conversation), { method: "DELETE", keepalive: true }).catch(
        () => {},
      );
    },
    async conversations(feature) {
      return await read(apiPaths.conversations(feature));
    },
    async conversation(id, before) {
      const response = await send(
        `${apiPaths.conversation(id)}${before ? `?before=${encodeURIComponent(before)}` : ""}`,
        { headers: { accept: "application/json" }, signal: new AbortController().signal },
      );
      if (response.status === 404) return null;
      if (!response.ok) throw await failureOf(response);
      return await response.json() as ConversationWindowBody;
    },
    async renameConversation(id, title) {
      const response = await send(apiPaths.conversation(id), {
        ...json({ title }),
        method: "PATCH",
        signal: new AbortController().signal,
      });
      if (!response.ok) throw await failureOf(response);
    },
    async deleteConversation(id) {
      try {
        const response = await fetcher(apiPaths.conversation(id), { method: "DELETE", keepalive: true });
        return response.ok || response.status === 404; // 404: already gone
      } catch {
        return false;
      }
    },
    async show(id, turnId, choice) {
      const response = await send(apiPaths.show(id, turnId), {
        ...json(choice),
        signal: new AbortController().signal,
      });
      if (!response.ok) throw await failureOf(response);
      return await response.json() as ConversationWindowBody;
    },
    async modelReachable() {
      try {
        const health = await (await fetcher(apiPaths.health)).json() as { llm?: { reachable?: boolean } };
        return health.llm?.reachable !== false;
      } catch {
        return true; // the page itself answered: say nothing rather than guess
      }
    },
    async setLanguage(language) {
      await fetcher(apiPaths.language, json({ language })).catch(() => {});
    },
  };
}

/**
 * A refused or failed request: the code the server gave (a contract code), else the contract's
 * rule for its status; its message, the model server's words and Retry-After.
 */
async function failureOf(response: Response): Promise<AnswerFailure> {
  let body: { error?: string; code?: string; server_message?: string } = {};
  try {
    body = await response.json();
  } catch {
    // not a JSON error body
  }
  const code = (ERROR_CODES as readonly string[]).includes(body.code ?? "")
    ? body.code!
    : codeOfHttpStatus(response.status);
  const retryAfter = Number(response.headers.get("retry-after"));
  return new AnswerFailure(code, body.error, retryAfter > 0 ? retryAfter : undefined, body.server_message);
}
