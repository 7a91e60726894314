/**
 * A feature's conversations in the browser, on top of its StreamController. A feature has shelves
 * (`trivia-bot`, `character-chat/witch`); each shelf holds many conversations (New chat, a shelf
 * of stories) and shows one, by id. The answer being streamed is a message in its conversation
 * like any other, updated in place: its `text` and `incomplete` read the controller's signals,
 * and `live` says it is the one streaming; it stays in its own conversation while another is
 * shown. At the next question it is settled (a plain message, marked incomplete unless it
 * finished), so Retry can redo it until then. Views only render messages.
 */
import { signal } from "@preact/signals";
import type { StreamController, StreamStatus } from "./stream_controller.ts";
import type { Transport } from "./transport.ts";
import {
  type AnswerStats,
  type ConversationSummary,
  type ConversationWindowBody,
  type Ordinal,
  type PublicMessage,
  type RemovedNotice,
  replacedMessages,
} from "../shared/contract.ts";

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
  /** The turn it belongs to, once the server has named it. */
  readonly turnId?: string;
  /** A question asked again (edited): which branch this is. */
  readonly branch?: Ordinal;
  /** An answer given again (Regenerate): which version this is. */
  readonly version?: Ordinal;
}

/** What the page brings of a feature's conversations (see the page's props). */
export interface KeptConversations {
  /** Messages of the conversations the page shows, by conversation id. */
  history: Record<string, PublicMessage[]>;
  /** Conversations with earlier turns than those shown: the turn to ask for the ones before. */
  older: Record<string, string>;
  /** The conversation each shelf shows, by shelf. */
  open: Record<string, string>;
  /** The session's conversations (every feature's), most recent first. */
  conversations: ConversationSummary[];
  removed: RemovedNotice[];
}

let nextId = 1;

const bubbleOf = ({ turn_id, ...message }: PublicMessage): Bubble => ({
  ...message,
  ...(turn_id ? { turnId: turn_id } : {}),
  id: nextId++,
});

const inFeature = (feature: string, shelf: string) => shelf === feature || shelf.startsWith(`${feature}/`);

export class ConversationBook {
  /** Messages per conversation id (the answer streaming now included, last, with `live`). */
  readonly conversations = signal<Record<string, Bubble[]>>({});
  /** The conversation each shelf shows: kept by the server, or a new one not asked anything yet. */
  readonly open = signal<Record<string, string>>({});
  /** The feature's conversations kept by the server, most recent first. */
  readonly list = signal<ConversationSummary[]>([]);
  /** Conversations removed lately to keep the session within its bounds. */
  readonly removed = signal<RemovedNotice[]>([]);
  /** The conversation the controller's current answer belongs to. */
  readonly live = signal<string | null>(null);
  /**
   * The last finished (or stopped) answer, for a polite screen-reader announcement once per turn,
   * with the shelf it was written on: its speaker is named, whatever is shown meanwhile.
   */
  readonly announcement = signal<{ text: string; stopped: boolean; shelf?: string } | null>(null);
  /** Conversations with earlier turns than those shown: the turn to ask for the ones before. */
  readonly older = signal<Record<string, string>>({});
  /** A conversation being fetched to be shown. */
  readonly loading = signal<string | null>(null);
  /** A conversation just deleted, while it can still be brought back. */
  readonly pendingUndo = signal<
    { id: string; title: string; undo: () => void; commit: () => Promise<void> } | null
  >(
    null,
  );

  /** A new conversation's id per shelf, made when first needed (no question asked in it yet). */
  #fresh = new Map<string, string>();
  /** Conversations whose messages are here (not only a live answer). */
  #loaded = new Set<string>();

  constructor(
    readonly feature: string,
    readonly controller: StreamController,
    private readonly transport: Transport,
    kept: KeptConversations = { history: {}, older: {}, open: {}, conversations: [], removed: [] },
    /** Conversations whose answer is still being written (after a reload): resumed, not unanswered. */
    readonly resuming: ReadonlySet<string> = new Set(),
  ) {
    this.list.value = kept.conversations.filter((c) => c.feature === feature);
    this.removed.value = kept.removed;
    this.open.value = Object.fromEntries(
      Object.entries(kept.open).filter(([shelf]) => inFeature(feature, shelf)),
    );
    const mine = new Set(Object.values(this.open.value));
    this.older.value = Object.fromEntries(Object.entries(kept.older).filter(([id]) => mine.has(id)));
    const conversations: Record<string, Bubble[]> = {};
    for (const id of mine) {
      conversations[id] = (kept.history[id] ?? []).map(bubbleOf);
      this.#loaded.add(id);
    }
    this.conversations.value = conversations;
  }

  /** The conversation the shelf shows (a new one when it shows none yet). */
  idIn(shelf: string): string {
    return this.open.value[shelf] ?? this.#freshId(shelf);
  }

  #freshId(shelf: string): string {
    let id = this.#fresh.get(shelf);
    if (!id) this.#fresh.set(shelf, id = crypto.randomUUID());
    return id;
  }

  /** The shelf's conversations kept by the server, most recent first. */
  listOf(shelf: string): ConversationSummary[] {
    return this.list.value.filter((c) => c.shelf === shelf);
  }

  /** The conversation's messages, the answer streaming now included (last, with `live`). */
  bubbles(id: string): Bubble[] {
    return this.conversations.value[id] ?? [];
  }

  /** The messages the shelf shows. */
  bubblesIn(shelf: string): Bubble[] {
    return this.bubbles(this.idIn(shelf));
  }

  /** Shows a new, empty conversation in the shelf; the one it showed stays in the list. */
  newConversation(shelf: string): void {
    const id = crypto.randomUUID();
    this.#fresh.set(shelf, id);
    this.open.value = { ...this.open.value, [shelf]: id };
  }

  /** Shows one of the shelf's conversations, fetching it when it is not here yet. */
  async openConversation(shelf: string, id: string): Promise<void> {
    this.open.value = { ...this.open.value, [shelf]: id };
    if (this.#loaded.has(id)) return;
    this.loading.value = id;
    try {
      const window = await this.transport.conversation(id);
      if (!window) {
        this.list.value = this.list.value.filter((c) => c.id !== id);
        if (this.open.value[shelf] === id) this.newConversation(shelf);
        return;
      }
      this.#showWindow(id, window);
    } finally {
      if (this.loading.value === id) this.loading.value = null;
    }
  }

  /** Puts a window from the server in place of what the conversation showed (its live answer kept last). */
  #showWindow(id: string, window: ConversationWindowBody): void {
    const live = this.live.value === id ? this.bubbles(id).filter((b) => b.live) : [];
    this.conversations.value = {
      ...this.conversations.value,
      [id]: [...window.messages.map(bubbleOf), ...live],
    };
    const { [id]: _was, ...rest } = this.older.value;
    this.older.value = window.older ? { ...rest, [id]: window.older } : rest;
    this.#loaded.add(id);
  }

  /**
   * Brings the conversation's earlier turns (a window before the first shown), above the others;
   * says whether there are more still.
   */
  async loadOlder(id: string): Promise<boolean> {
    const before = this.older.value[id];
    if (!before) return false;
    const window = await this.transport.conversation(id, before);
    if (!window) return false;
    const earlier = window.messages.map(bubbleOf);
    this.conversations.value = { ...this.conversations.value, [id]: [...earlier, ...this.bubbles(id)] };
    const { [id]: _was, ...rest } = this.older.value;
    this.older.value = window.older ? { ...rest, [id]: window.older } : rest;
    return window.older !== undefined;
  }

  /** Shows another version of an answer, or another branch at a question (1-based). */
  async show(id: string, turnId: string, choice: { version: number } | { branch: number }): Promise<void> {
    if (this.live.value === id && this.controller.active.value) return;
    this.settle();
    this.#showWindow(id, await this.transport.show(id, turnId, choice));
  }

  /** Turns the live answer into a plain message (dropped if it has no text), and frees the controller. */
  settle(): void {
    const id = this.live.value;
    if (id === null) return;
    const text = this.#prefix + this.controller.text.value;
    this.#prefix = "";
    const turnId = this.controller.turnId.value ?? undefined;
    const settled = this.bubbles(id).filter((bubble) => !bubble.live);
    // The server named the turn: the question gets it too (Edit needs it).
    const question = settled.at(-1);
    if (turnId && question?.role === "user" && !question.turnId) {
      settled[settled.length - 1] = { ...question, turnId };
    }
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
        ...(turnId ?? this.#liveTurn ? { turnId: turnId ?? this.#liveTurn } : {}),
        ...(this.#liveVersion ? { version: this.#liveVersion } : {}),
      });
    }
    this.conversations.value = { ...this.conversations.value, [id]: settled };
    this.live.value = null;
    this.#liveVersion = undefined;
    this.#liveTurn = undefined;
    this.controller.reset();
  }

  /** Gives the live answer's question the turn `done` named, so it can be edited at once. */
  #nameQuestion(): void {
    const id = this.live.value;
    const turnId = this.controller.turnId.value;
    if (id === null || !turnId) return;
    const bubbles = this.bubbles(id);
    const at = bubbles.findLastIndex((b) => b.role === "user");
    if (at === -1 || bubbles[at].turnId || !bubbles[at + 1]?.live) return;
    const named = [...bubbles];
    named[at] = { ...bubbles[at], turnId };
    this.conversations.value = { ...this.conversations.value, [id]: named };
  }

  /** Text the live answer had before it was continued (it grows on from there). */
  #prefix = "";
  /** The language the live answer is written in. */
  #lang: string | undefined;
  /** The live answer's turn and version, when known before `done` (a continuation, a regeneration). */
  #liveTurn: string | undefined;
  #liveVersion: Ordinal | undefined;

  /**
   * Goes on with the live answer where it was cut (the length limit, or Stop): the same message
   * grows, and the server adds the new text to the stored answer.
   */
  continueAnswer(): Promise<StreamStatus> {
    const id = this.live.value;
    if (id === null || !this.controller.canRetry) return Promise.resolve(this.controller.status.value);
    const prefix = this.#prefix + this.controller.text.value;
    const turn = this.controller.turnId.value ?? this.#liveTurn;
    this.conversations.value = {
      ...this.conversations.value,
      [id]: this.bubbles(id).filter((b) => !b.live),
    };
    this.#startLive(id, prefix, this.#lang, { turnId: turn, version: this.#liveVersion });
    return this.#announce(this.controller.continueLast());
  }

  /** Adds the answer about to stream to its conversation, as a message that reads the controller. */
  #startLive(
    id: string,
    prefix = "",
    lang?: string,
    { turnId, version }: { turnId?: string; version?: Ordinal } = {},
  ): void {
    const controller = this.controller;
    this.live.value = id;
    this.#prefix = prefix;
    this.#lang = lang;
    this.#liveTurn = turnId;
    this.#liveVersion = version;
    this.#push(id, {
      role: "assistant",
      live: true,
      prefix,
      ...(lang ? { lang } : {}),
      ...(version ? { version } : {}),
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
   * Asks a question in the conversation the shelf shows (a new one for a result: `fresh`). The
   * same question again after an answer that did not finish replaces that turn, as on the server;
   * `regenerate` gives the last turn a new answer (a version; the old one is kept); `edit` asks an
   * earlier question anew (a new branch from there; the old one is kept).
   */
  ask(
    shelf: string,
    question: string,
    body: Record<string, unknown>,
    { fresh = false, regenerate = false, edit }: { fresh?: boolean; regenerate?: boolean; edit?: string } =
      {},
  ): Promise<StreamStatus> {
    this.settle();
    if (fresh) this.newConversation(shelf);
    const id = this.idIn(shelf);
    if (this.open.value[shelf] !== id) this.open.value = { ...this.open.value, [shelf]: id };
    this.#loaded.add(id);
    const bubbles = this.bubbles(id);
    let kept: Bubble[];
    let branch: Ordinal | undefined;
    let version: Ordinal | undefined;
    let turnId: string | undefined;
    const editedAt = edit ? bubbles.findIndex((b) => b.role === "user" && b.turnId === edit) : -1;
    if (editedAt >= 0) {
      kept = bubbles.slice(0, editedAt);
      const count = (bubbles[editedAt].branch?.count ?? 1) + 1;
      branch = { index: count, count };
    } else {
      const replaced = replacedMessages(bubbles, question, regenerate);
      kept = bubbles.slice(0, bubbles.length - replaced);
      const last = bubbles.at(-1);
      if (replaced > 0) {
        turnId = bubbles[bubbles.length - replaced].turnId;
        branch = bubbles[bubbles.length - replaced].branch;
      }
      if (regenerate && replaced === 2 && last?.role === "assistant" && !last.incomplete) {
        const count = (last.version?.count ?? 1) + 1;
        version = { index: count, count };
      } else if (replaced === 2) version = last?.version;
    }
    this.conversations.value = { ...this.conversations.value, [id]: kept };
    const lang = typeof body.language === "string" ? body.language : undefined;
    this.#push(id, {
      role: "user",
      content: question,
      ...(lang ? { lang } : {}),
      ...(turnId ? { turnId } : {}),
      ...(branch ? { branch } : {}),
    });
    this.#startLive(id, "", lang, { turnId, version });
    this.#listed(shelf, id, question, lang);
    const request = {
      ...body,
      conversation_id: id,
      ...(regenerate ? { regenerate } : {}),
      ...(editedAt >= 0 ? { edit: true, turn_id: edit } : {}),
    };
    return this.#announce(this.controller.run(this.feature, request));
  }

  /** Puts a conversation first in the list at once (a new one with its first question as title). */
  #listed(shelf: string, id: string, question: string, lang?: string): void {
    const now = Date.now();
    const known = this.list.value.find((c) => c.id === id);
    const entry: ConversationSummary = known ? { ...known, updatedAt: now } : {
      id,
      feature: this.feature,
      shelf,
      title: question.replace(/\s+/g, " ").trim().slice(0, 80),
      ...(lang ? { lang } : {}),
      createdAt: now,
      updatedAt: now,
      turns: 1,
    };
    this.list.value = [entry, ...this.list.value.filter((c) => c.id !== id)];
  }

  /** The list as the server has it (titles, times, removals to make room). */
  async refreshList(): Promise<void> {
    try {
      const { conversations, removed } = await this.transport.conversations(this.feature);
      const pending = this.pendingUndo.value?.id;
      // A question asked a moment ago may not be stored yet: it stays listed.
      const waiting = this.list.value.filter((c) =>
        c.id === this.live.value && !conversations.some((kept) => kept.id === c.id)
      );
      this.list.value = [...waiting, ...conversations.filter((c) => c.id !== pending)];
      this.removed.value = removed;
    } catch {
      // the list stays as it was; the next answer refreshes it
    }
  }

  /**
   * Goes on with a stored answer that was cut short (stopped before a reload): it becomes the live
   * answer again and grows from its text; the server adds the new text to the stored one.
   */
  continueStored(shelf: string, body: Record<string, unknown>): Promise<StreamStatus> {
    this.settle();
    const id = this.idIn(shelf);
    const bubbles = this.bubbles(id);
    const last = bubbles.at(-1);
    if (last?.role !== "assistant" || !last.content) return Promise.resolve(this.controller.status.value);
    this.conversations.value = { ...this.conversations.value, [id]: bubbles.slice(0, -1) };
    this.#startLive(id, last.content, last.lang, { turnId: last.turnId, version: last.version });
    return this.#announce(
      this.controller.run(this.feature, {
        ...body,
        conversation_id: id,
        continue: true,
        ...(last.turnId ? { turn_id: last.turnId } : {}),
      }),
    );
  }

  /** Shows an answer still being generated (started before a reload) as its conversation's live one. */
  resume(id: string, answerId: string): Promise<StreamStatus> {
    this.settle();
    this.#startLive(id);
    return this.#announce(this.controller.resume(answerId));
  }

  /** Runs the live answer's last request again (Retry, Cast again). */
  again(): Promise<StreamStatus> {
    return this.#announce(this.controller.retry());
  }

  async #announce(run: Promise<StreamStatus>): Promise<StreamStatus> {
    const live = this.live.value;
    const shelf = live === null
      ? undefined
      : Object.entries(this.open.value).find(([, id]) => id === live)?.[0] ??
        this.list.value.find((c) => c.id === live)?.shelf;
    const status = await run;
    this.#nameQuestion();
    if (status === "done") {
      this.announcement.value = { text: this.#prefix + this.controller.text.value, stopped: false, shelf };
    }
    if (status === "stopped") this.announcement.value = { text: "", stopped: true, shelf };
    void this.refreshList();
    return status;
  }

  /** Renames a conversation, here at once and on the server. */
  async rename(id: string, title: string): Promise<void> {
    const trimmed = title.replace(/\s+/g, " ").trim();
    if (!trimmed) return;
    this.list.value = this.list.value.map((c) => (c.id === id ? { ...c, title: trimmed } : c));
    await this.transport.renameConversation(id, trimmed);
  }

  /**
   * Deletes a conversation from view at once (its shelf then shows a new one); the server deletes
   * it after `undoMs`, or when the page goes away, unless `pendingUndo.undo()` brings it back first.
   * A conversation whose answer is being written is stopped first.
   */
  remove(id: string, undoMs = 6000): void {
    void this.pendingUndo.value?.commit(); // one Undo at a time: an earlier delete is done for good
    if (this.live.value === id) {
      this.controller.stop();
      this.settle();
    }
    const summary = this.list.value.find((c) => c.id === id);
    const at = this.list.value.indexOf(summary!);
    const shelves = Object.entries(this.open.value).filter(([, open]) => open === id).map(([shelf]) => shelf);
    this.list.value = this.list.value.filter((c) => c.id !== id);
    for (const shelf of shelves) this.newConversation(shelf);
    let settled = false;
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      globalThis.removeEventListener("pagehide", commit);
      if (this.pendingUndo.value?.id === id) this.pendingUndo.value = null;
    };
    let committed: Promise<void> = Promise.resolve();
    const commit = () => {
      if (settled) return committed;
      finish();
      const { [id]: _gone, ...rest } = this.conversations.value;
      this.conversations.value = rest;
      this.#loaded.delete(id);
      // Until the server says it is gone, the tab remembers it: a reload that overtakes the
      // request (sent as the page goes away) neither shows it again nor forgets to delete it.
      pendingDeletes.add(id);
      committed = this.transport.deleteConversation(id).then((gone) => {
        if (gone) pendingDeletes.remove(id);
      });
      return committed;
    };
    const timer = setTimeout(() => void commit(), undoMs);
    globalThis.addEventListener("pagehide", commit);
    this.pendingUndo.value = {
      id,
      title: summary?.title ?? "",
      commit,
      undo: () => {
        if (settled) return;
        finish();
        if (summary) {
          const list = [...this.list.value];
          list.splice(Math.max(0, at), 0, summary);
          this.list.value = list;
        }
        for (const shelf of shelves) this.open.value = { ...this.open.value, [shelf]: id };
      },
    };
  }

  /** Deletes what a previous page of this tab was deleting as it went away, and hides it meanwhile. */
  finishPendingDeletes(): void {
    const pending = pendingDeletes.all().filter((id) => this.list.value.some((c) => c.id === id));
    if (pending.length === 0) return;
    this.list.value = this.list.value.filter((c) => !pending.includes(c.id));
    for (const [shelf, open] of Object.entries(this.open.value)) {
      if (pending.includes(open)) this.newConversation(shelf);
    }
    for (const id of pending) {
      void this.transport.deleteConversation(id).then((gone) => gone && pendingDeletes.remove(id));
    }
  }

  /** Starts the live answer's conversation afresh (it no longer fits the model): a new chat in its shelf. */
  startOver(): void {
    const id = this.live.value;
    if (id === null) return;
    const shelf = Object.entries(this.open.value).find(([, open]) => open === id)?.[0];
    this.settle();
    if (shelf) this.newConversation(shelf);
  }

  /** Forgets every conversation of the feature, here and on the server. */
  async clear(): Promise<void> {
    this.controller.stop();
    this.live.value = null;
    this.controller.reset();
    this.conversations.value = {};
    this.#loaded.clear();
    this.list.value = [];
    for (const shelf of Object.keys(this.open.value)) this.newConversation(shelf);
    await this.transport.clearHistory(this.feature);
  }

  #push(id: string, bubble: Omit<Bubble, "id">): void {
    // Assigned rather than spread: a live message's getters must stay getters.
    const list = [...this.bubbles(id), Object.assign(bubble, { id: nextId++ }) as Bubble];
    this.conversations.value = { ...this.conversations.value, [id]: list };
  }
}

/** Conversations this tab is deleting, in its sessionStorage (nothing is kept where storage is off). */
const pendingDeletes = {
  key: "kabotan.deleting",
  all(): string[] {
    try {
      return JSON.parse(globalThis.sessionStorage?.getItem(this.key) ?? "[]");
    } catch {
      return [];
    }
  },
  write(ids: string[]): void {
    try {
      if (ids.length) globalThis.sessionStorage?.setItem(this.key, JSON.stringify(ids));
      else globalThis.sessionStorage?.removeItem(this.key);
    } catch {
      // storage refused: the delete still goes, only a reload that overtakes it may show it again
    }
  },
  add(id: string): void {
    this.write([...new Set([...this.all(), id])]);
  },
  remove(id: string): void {
    this.write(this.all().filter((kept) => kept !== id));
  },
};
