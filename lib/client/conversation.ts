/**
 * A feature's conversations in the browser, on top of its StreamController. The answer being
 * streamed (the "live" one) stays outside the settled list until the next question, so Retry
 * can redo it; then it is settled, marked incomplete unless it finished.
 */
import { signal } from "@preact/signals";
import type { StreamController, StreamStatus } from "./stream_controller.ts";
import type { Transport } from "./transport.ts";

export interface Bubble {
  id: number;
  role: "user" | "assistant";
  content: string;
  incomplete?: boolean;
}

export type StoredConversations = Record<
  string,
  Array<{ role: "user" | "assistant"; content: string; incomplete?: boolean }>
>;

let nextId = 1;

export class ConversationBook {
  /** Settled messages per conversation key (`character-chat/dracula`, `trivia-bot`…). */
  readonly conversations = signal<Record<string, Bubble[]>>({});
  /** The conversation the controller's current answer belongs to. */
  readonly live = signal<string | null>(null);
  /** The last finished answer, for a polite screen-reader announcement once per turn. */
  readonly announcement = signal("");

  constructor(
    readonly feature: string,
    readonly controller: StreamController,
    private readonly transport: Transport,
    stored: StoredConversations = {},
  ) {
    const mine: Record<string, Bubble[]> = {};
    for (const [key, messages] of Object.entries(stored)) {
      if (key === feature || key.startsWith(`${feature}/`)) {
        mine[key] = messages.map((message) => ({ ...message, id: nextId++ }));
      }
    }
    this.conversations.value = mine;
  }

  bubbles(key: string): Bubble[] {
    return this.conversations.value[key] ?? [];
  }

  isLive(key: string): boolean {
    return this.live.value === key;
  }

  /** Moves the live answer into its conversation. */
  settle(): void {
    const key = this.live.value;
    if (key === null) return;
    const text = this.controller.text.value;
    if (text) {
      this.#push(key, {
        role: "assistant",
        content: text,
        incomplete: this.controller.status.value !== "done",
      });
    }
    this.live.value = null;
    this.controller.reset();
  }

  /** Asks a question in a conversation; `fresh` starts the conversation anew (as the server does). */
  ask(
    key: string,
    question: string,
    body: Record<string, unknown>,
    { fresh = false } = {},
  ): Promise<StreamStatus> {
    this.settle();
    if (fresh) this.conversations.value = { ...this.conversations.value, [key]: [] };
    this.#push(key, { role: "user", content: question });
    this.live.value = key;
    return this.#announce(this.controller.run(this.feature, body));
  }

  /** Shows an answer still being generated (started before a reload) as this conversation's live one. */
  resume(key: string, requestId: string): Promise<StreamStatus> {
    this.settle();
    this.live.value = key;
    return this.#announce(this.controller.resume(requestId));
  }

  /** Runs the live answer's last request again (Retry, Cast again). */
  again(): Promise<StreamStatus> {
    return this.#announce(this.controller.retry());
  }

  async #announce(run: Promise<StreamStatus>): Promise<StreamStatus> {
    const status = await run;
    if (status === "done") this.announcement.value = this.controller.text.value;
    return status;
  }

  /** Forgets every conversation of the feature, here and on the server. */
  async clear(): Promise<void> {
    this.controller.stop();
    this.live.value = null;
    this.controller.reset();
    this.conversations.value = {};
    await this.transport.clearHistory(this.feature);
  }

  #push(key: string, bubble: Omit<Bubble, "id">): void {
    const list = [...this.bubbles(key), { ...bubble, id: nextId++ }];
    this.conversations.value = { ...this.conversations.value, [key]: list };
  }
}
