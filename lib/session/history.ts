import type { AnswerStats } from "../shared/contract.ts";
import type { ChatMessage } from "../llm/types.ts";
import { SESSION_TTL_MS } from "./sessions.ts";

export interface StoredMessage extends ChatMessage {
  role: "user" | "assistant";
  /** A stopped or failed answer: the text as far as it got. */
  incomplete?: boolean;
  /** A reasoning model's thinking before the answer: shown again, never sent upstream again. */
  reasoning?: string;
  /** How soon and how fast the answer came, shown under it again after a reload. */
  stats?: AnswerStats;
  /** Why the answer failed (a contract error code): the page shows it, with Retry, after a reload. */
  error?: string;
  /** The language the turn was asked in (the page tags each message with it). */
  lang?: string;
  at: number;
}

/** Messages kept per conversation; older ones are dropped. */
export const HISTORY_LIMIT = 200;

const messages = (sessionId: string, conversation: string) => ["history", sessionId, conversation];
const counter = (sessionId: string, conversation: string) => ["history_seq", sessionId, conversation];

/**
 * Conversations, one KV entry per message (a KV value is capped at 64 KiB). Messages are
 * numbered per conversation; writing message n drops message n - HISTORY_LIMIT in the same
 * atomic commit, so trimming costs no reads. Entries expire with the sessionId.
 */
export class HistoryStore {
  constructor(private readonly kv: Deno.Kv, private readonly now: () => number = Date.now) {}

  async list(sessionId: string, conversation: string, limit = HISTORY_LIMIT): Promise<StoredMessage[]> {
    const entries = await Array.fromAsync(
      this.kv.list<StoredMessage>({ prefix: messages(sessionId, conversation) }, { reverse: true, limit }),
    );
    return entries.reverse().map((entry) => entry.value);
  }

  /** Every conversation of a sessionId, each with at most its last `perConversation` messages. */
  async listAll(sessionId: string, perConversation: number): Promise<Record<string, StoredMessage[]>> {
    const all: Record<string, StoredMessage[]> = {};
    for await (const entry of this.kv.list<StoredMessage>({ prefix: ["history", sessionId] })) {
      (all[String(entry.key[2])] ??= []).push(entry.value);
    }
    for (const key of Object.keys(all)) all[key] = all[key].slice(-perConversation);
    return all;
  }

  async append(sessionId: string, conversation: string, message: Omit<StoredMessage, "at">): Promise<void> {
    const stored: StoredMessage = { ...message, at: this.now() };
    for (let attempt = 0; attempt < 10; attempt++) {
      const last = await this.kv.get<number>(counter(sessionId, conversation));
      const next = (last.value ?? 0) + 1;
      const result = await this.kv.atomic()
        .check(last)
        .set(counter(sessionId, conversation), next, { expireIn: SESSION_TTL_MS })
        .set([...messages(sessionId, conversation), next], stored, { expireIn: SESSION_TTL_MS })
        .delete([...messages(sessionId, conversation), next - HISTORY_LIMIT])
        .commit();
      if (result.ok) return;
    }
    throw new Error("history: too many concurrent writes to one conversation");
  }

  /** Adds text to the conversation's last message (an answer that was continued), and sets whether it is finished. */
  async extendLast(
    sessionId: string,
    conversation: string,
    text: string,
    incomplete: boolean,
  ): Promise<void> {
    for await (
      const entry of this.kv.list<StoredMessage>({ prefix: messages(sessionId, conversation) }, {
        reverse: true,
        limit: 1,
      })
    ) {
      const { incomplete: _was, ...rest } = entry.value;
      const extended: StoredMessage = {
        ...rest,
        content: entry.value.content + text,
        ...(incomplete ? { incomplete } : {}),
      };
      await this.kv.set(entry.key, extended, { expireIn: SESSION_TTL_MS });
    }
  }

  /** Removes the last `count` messages of a conversation. */
  async dropLast(sessionId: string, conversation: string, count: number): Promise<void> {
    const last = this.kv.list({ prefix: messages(sessionId, conversation) }, { reverse: true, limit: count });
    for await (const entry of last) await this.kv.delete(entry.key);
  }

  async clear(sessionId: string, conversation: string): Promise<void> {
    for await (const entry of this.kv.list({ prefix: messages(sessionId, conversation) })) {
      await this.kv.delete(entry.key);
    }
    await this.kv.delete(counter(sessionId, conversation));
  }

  /** Clears the feature's conversations: `feature` itself and `feature/…` (each chat character). */
  async clearFeature(sessionId: string, feature: string): Promise<void> {
    const conversations = new Set<string>();
    for await (const entry of this.kv.list({ prefix: ["history_seq", sessionId] })) {
      const conversation = String(entry.key[2]);
      if (conversation === feature || conversation.startsWith(`${feature}/`)) conversations.add(conversation);
    }
    for (const conversation of conversations) await this.clear(sessionId, conversation);
  }
}
