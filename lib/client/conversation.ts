/**
 * A feature's conversations in the browser, on top of its StreamController. The answer being
 * streamed is a message in its conversation like any other, updated in place: its `text` and
 * `incomplete` read the controller's signals, and `live` says it is the one streaming. At the next
 * question it is settled (a plain message, marked incomplete unless it finished), so Retry can
 * redo it until then. Views only render messages.
 */
import { signal } from "@preact/signals";
import type { StreamController, StreamStatus } from "./stream_controller.ts";
import type { Transport } from "./transport.ts";
import { type AnswerStats, type PublicMessage, replacedMessages } from "../shared/contract.ts";

export interface Bubble {
  id: number;
  role: "user" | "assistant";
  /** The text so far: a live answer's grows (reading it subscribes to it). */
  readonly content: string;
  readonly incomplete?: boolean;
  /** A reasoning model's thinking before the answer (a live answer's grows). */
  readonly reasoning?: string;
  /** A live answer that continues an earlier one: the text it had before (its `content` includes it). */
  readonly prefix?: string;
  /** The answer streaming now (its status, Stop and Retry are the controller's). */
  readonly live?: boolean;
  /** How soon and how fast a finished answer came. */
  readonly stats?: AnswerStats;
  /** Why the answer failed (a contract error code); its text, if any, is as far as it got. */
  readonly error?: string;
  /** The language it was written in. */
  readonly lang?: string;
}

export type StoredConversations = Record<string, PublicMessage[]>;

let nextId = 1;

export class ConversationBook {
  /** Settled messages per conversation key (`character-chat/dracula`, `trivia-bot`…). */
  readonly conversations = signal<Record<string, Bubble[]>>({});
  /** The conversation the controller's current answer belongs to. */
  readonly live = signal<string | null>(null);
  /** The last finished (or stopped) answer, for a polite screen-reader announcement once per turn. */
  readonly announcement = signal<{ text: string; stopped: boolean } | null>(null);
  /** Conversations with earlier turns than those shown: the turn to ask for the ones before. */
  readonly older = signal<Record<string, string>>({});

  constructor(
    readonly feature: string,
    readonly controller: StreamController,
    private readonly transport: Transport,
    stored: StoredConversations = {},
    /** Conversations whose answer is still being written (after a reload): resumed, not unanswered. */
    readonly resuming: ReadonlySet<string> = new Set(),
    older: Record<string, string> = {},
  ) {
    this.older.value = Object.fromEntries(
      Object.entries(older).filter(([key]) => key === feature || key.startsWith(`${feature}/`)),
    );
    const mine: Record<string, Bubble[]> = {};
    for (const [key, messages] of Object.entries(stored)) {
      if (key === feature || key.startsWith(`${feature}/`)) {
        mine[key] = messages.map((message) => ({ ...message, id: nextId++ }));
      }
    }
    this.conversations.value = mine;
  }

  /**
   * Brings the conversation's earlier turns (a window before the first shown), above the others;
   * says whether there are more still.
   */
  async loadOlder(key: string): Promise<boolean> {
    const before = this.older.value[key];
    if (!before) return false;
    const window = await this.transport.history(this.feature, key, before);
    const earlier = window.messages.map((message) => ({ ...message, id: nextId++ }));
    this.conversations.value = { ...this.conversations.value, [key]: [...earlier, ...this.bubbles(key)] };
    const { [key]: _was, ...rest } = this.older.value;
    this.older.value = window.older ? { ...rest, [key]: window.older } : rest;
    return window.older !== undefined;
  }

  /** The conversation's messages, the answer streaming now included (last, with `live`). */
  bubbles(key: string): Bubble[] {
    return this.conversations.value[key] ?? [];
  }

  /** Turns the live answer into a plain message (dropped if it has no text), and frees the controller. */
  settle(): void {
    const key = this.live.value;
    if (key === null) return;
    const text = this.#prefix + this.controller.text.value;
    this.#prefix = "";
    const settled = this.bubbles(key).filter((bubble) => !bubble.live);
    const error = this.controller.status.value === "error" ? this.controller.failure.value?.code : undefined;
    if (text || error) {
      const reasoning = this.controller.reasoning.value;
      const stats = this.controller.stats.value;
      settled.push({
        id: nextId++,
        role: "assistant",
        content: text,
        incomplete: this.controller.status.value !== "done" ||
          this.controller.finishReason.value === "length",
        ...(reasoning ? { reasoning } : {}),
        ...(stats && this.controller.status.value === "done" ? { stats } : {}),
        ...(error ? { error } : {}),
        ...(this.#lang ? { lang: this.#lang } : {}),
      });
    }
    this.conversations.value = { ...this.conversations.value, [key]: settled };
    this.live.value = null;
    this.controller.reset();
  }

  /** Text the live answer had before it was continued (it grows on from there). */
  #prefix = "";
  /** The language the live answer is written in. */
  #lang: string | undefined;

  /**
   * Goes on with the live answer where it was cut (the length limit, or Stop): the same message
   * grows, and the server adds the new text to the stored answer.
   */
  continueAnswer(): Promise<StreamStatus> {
    const key = this.live.value;
    if (key === null || !this.controller.canRetry) return Promise.resolve(this.controller.status.value);
    const prefix = this.#prefix + this.controller.text.value;
    this.conversations.value = {
      ...this.conversations.value,
      [key]: this.bubbles(key).filter((b) => !b.live),
    };
    this.#startLive(key, prefix, this.#lang);
    return this.#announce(this.controller.continueLast());
  }

  /** Adds the answer about to stream to its conversation, as a message that reads the controller. */
  #startLive(key: string, prefix = "", lang?: string): void {
    const controller = this.controller;
    this.live.value = key;
    this.#prefix = prefix;
    this.#lang = lang;
    this.#push(key, {
      role: "assistant",
      live: true,
      prefix,
      ...(lang ? { lang } : {}),
      get content() {
        return prefix + controller.text.value;
      },
      get reasoning() {
        return controller.reasoning.value;
      },
      get incomplete() {
        const status = controller.status.value;
        return (status !== "done" && status !== "streaming") || controller.finishReason.value === "length";
      },
    });
  }

  /**
   * Asks a question in a conversation; `fresh` starts the conversation anew (as the server does).
   * The same question again after an answer that did not finish replaces that turn, as on the
   * server; `regenerate` replaces the last turn even when its answer finished.
   */
  ask(
    key: string,
    question: string,
    body: Record<string, unknown>,
    { fresh = false, regenerate = false } = {},
  ): Promise<StreamStatus> {
    this.settle();
    // A clear of this conversation still waiting for its Undo is done for good first, on the server
    // too, before the question goes: it is never deleted with the clear, nor hidden by an Undo.
    const cleared = this.#commitClear(key);
    const bubbles = this.bubbles(key);
    const kept = fresh
      ? []
      : bubbles.slice(0, bubbles.length - replacedMessages(bubbles, question, regenerate));
    this.conversations.value = { ...this.conversations.value, [key]: kept };
    const lang = typeof body.language === "string" ? body.language : undefined;
    this.#push(key, { role: "user", content: question, ...(lang ? { lang } : {}) });
    this.#startLive(key, "", lang);
    const request = regenerate ? { ...body, regenerate } : body;
    return this.#announce(cleared.then(() => this.controller.run(this.feature, request)));
  }

  /** Commits a pending clear of `key` now; resolves once the server has forgotten the conversation. */
  #commitClear(key: string): Promise<void> {
    const pending = this.pendingUndo.value;
    return pending?.key === key ? pending.commit() : Promise.resolve();
  }

  /**
   * Goes on with a stored answer that was cut short (stopped before a reload): it becomes the live
   * answer again and grows from its text; the server adds the new text to the stored one.
   */
  continueStored(key: string, body: Record<string, unknown>): Promise<StreamStatus> {
    this.settle();
    const bubbles = this.bubbles(key);
    const last = bubbles.at(-1);
    if (last?.role !== "assistant" || !last.content) return Promise.resolve(this.controller.status.value);
    this.conversations.value = { ...this.conversations.value, [key]: bubbles.slice(0, -1) };
    this.#startLive(key, last.content, last.lang);
    return this.#announce(this.controller.run(this.feature, { ...body, continue: true }));
  }

  /** Shows an answer still being generated (started before a reload) as this conversation's live one. */
  resume(key: string, answerId: string): Promise<StreamStatus> {
    this.settle();
    this.#startLive(key);
    return this.#announce(this.controller.resume(answerId));
  }

  /** Runs the live answer's last request again (Retry, Cast again). */
  again(): Promise<StreamStatus> {
    return this.#announce(this.controller.retry());
  }

  async #announce(run: Promise<StreamStatus>): Promise<StreamStatus> {
    const status = await run;
    if (status === "done") this.announcement.value = { text: this.controller.text.value, stopped: false };
    if (status === "stopped") this.announcement.value = { text: "", stopped: true };
    return status;
  }

  /** A conversation just cleared, while it can still be brought back. */
  readonly pendingUndo = signal<{ key: string; undo: () => void; commit: () => Promise<void> } | null>(null);

  /**
   * Clears one conversation (a character's chat) from view at once; the server forgets it after
   * `undoMs`, or when the page goes away, unless `pendingUndo.undo()` brings it back first.
   */
  clearConversation(key: string, undoMs = 6000): void {
    void this.pendingUndo.value?.commit(); // one Undo at a time: an earlier clear is done for good
    if (this.live.value === key) this.settle();
    const removed = this.bubbles(key);
    this.conversations.value = { ...this.conversations.value, [key]: [] };
    let settled = false;
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      globalThis.removeEventListener("pagehide", commit);
      if (this.pendingUndo.value?.key === key) this.pendingUndo.value = null;
    };
    let committed: Promise<void> = Promise.resolve();
    const commit = () => {
      if (settled) return committed;
      finish();
      committed = this.transport.clearHistory(this.feature, key);
      return committed;
    };
    const timer = setTimeout(() => void commit(), undoMs);
    globalThis.addEventListener("pagehide", commit);
    this.pendingUndo.value = {
      key,
      commit,
      undo: () => {
        if (settled) return;
        finish();
        this.conversations.value = { ...this.conversations.value, [key]: removed };
      },
    };
  }

  /** Starts the live answer's conversation afresh (it no longer fits the model): cleared, with Undo. */
  startOver(): void {
    const key = this.live.value;
    if (key !== null) this.clearConversation(key);
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
    // Assigned rather than spread: a live message's getters must stay getters.
    const list = [...this.bubbles(key), Object.assign(bubble, { id: nextId++ }) as Bubble];
    this.conversations.value = { ...this.conversations.value, [key]: list };
  }
}
