/**
 * What a session keeps, in one store: conversation → turns by id → answer versions, each message
 * of any length, and every answer written only by the one writer that holds it.
 *
 * - A **conversation** belongs to a feature and stands in a *slot* of the page (`trivia-bot`,
 *   `character-chat/witch`); the slot names its current conversation. It records the shown branch
 *   by its last turn (`leaf`).
 * - A **turn** is one question and its answer. Turns are keyed by a time-ordered id and point to
 *   the turn before them (`parent`), so a conversation is a tree: a new question goes after the
 *   leaf, in one commit that checks the conversation, so questions sent at once line up in the
 *   order they are stored and each keeps its own answer.
 * - An **answer version** is one answer to a turn's question: asking again for a finished answer
 *   (Regenerate) adds one, and the turn says which is shown. Its text is stored in segments of
 *   chunks (`answer_text.ts`), so no answer is cut at KV's 64 KiB.
 * - **Fencing**: a version is opened for writing with a token (`writer`); only that writer can end
 *   it, and only once, in a commit that checks the turn. When someone else ends it first (its
 *   instance died and the answer was taken over as orphaned), the late writer's text is refused
 *   and its chunks removed: one question never gets two answers.
 *
 * The store is given a KV that retries transient failures (`retrying_kv.ts`); a conflict (another
 * writer changed the record meanwhile) is read again and tried again, for a bounded time.
 */
import { CONTEXT_MESSAGES } from "../features/feature.ts";
import { type AnswerStats, type PublicMessage, replacedMessages } from "../shared/contract.ts";
import { deleteSegments, readSegments, type Segment, segmentId, writeSegment } from "./answer_text.ts";
import { SESSION_TTL_MS } from "./sessions.ts";

export type { Segment };

export interface ConversationRecord {
  id: string;
  feature: string;
  /** Where the page shows it: the feature, or `feature/part` (a chat's character). */
  slot: string;
  createdAt: number;
  updatedAt: number;
  /** The last turn of the branch shown; null while it has none. */
  leaf: string | null;
  /** Turns it holds, every branch counted. */
  turns: number;
}

export type AnswerState = "writing" | "done" | "incomplete" | "failed";

export interface AnswerVersion {
  state: AnswerState;
  /** The token of the one writer that may end it, while it is being written. */
  writer?: string;
  segments: Segment[];
  /** Why it failed (a contract error code): the page shows it, with Retry. */
  error?: string;
  stats?: AnswerStats;
  lang?: string;
  at: number;
}

export interface TurnRecord {
  id: string;
  /** The turn before it on its branch; null for a conversation's first. */
  parent: string | null;
  question: { content: string; lang?: string; at: number };
  versions: AnswerVersion[];
  /** The version shown (and sent upstream as context). */
  shown: number;
}

/** A message as the page and the model see it, derived from the shown branch. */
export interface StoredMessage extends PublicMessage {
  at: number;
  /** The turn it belongs to. */
  turnId: string;
}

/** How an answer ended: its text (added to what it had), and whether it finished. */
export interface AnswerEnding {
  content: string;
  reasoning?: string;
  incomplete: boolean;
  error?: string;
  stats?: AnswerStats;
}

/** Where an answer is written, and the token that lets its writer end it. */
export interface AnswerAddress {
  sessionId: string;
  conversationId: string;
  turnId: string;
  version: number;
  writer: string;
}

/**
 * A second guard on ending an answer, kept by whoever else can end it (a resumable answer's event
 * log): `hold` gives the entry that must stay unchanged until the commit (none: the writer was
 * fenced out there), `mark` adds to the same commit what tells the other side it was saved.
 */
export interface WriteFence {
  hold(): Promise<Deno.KvEntry<unknown> | undefined>;
  mark(op: Deno.AtomicOperation, held: Deno.KvEntry<unknown>): void;
}

/** What ending an answer did: written, or refused because someone else ended it first. */
export type Ending = "written" | "fenced";

/** Turns kept per conversation (every branch counted); the oldest go first. */
export const TURN_LIMIT = 100;

/** How long one write keeps trying through conflicts with other writers. */
const CONFLICT_WINDOW_MS = 15_000;

const conversationKey = (sessionId: string, id: string) => ["conv", sessionId, id];
const slotKey = (sessionId: string, slot: string) => ["conv_slot", sessionId, slot];
const turnPrefix = (sessionId: string, conversationId: string) => ["turn", sessionId, conversationId];
const turnKey = (sessionId: string, conversationId: string, turnId: string) => [
  ...turnPrefix(sessionId, conversationId),
  turnId,
];
const textPrefix = (sessionId: string, conversationId: string, turnId: string) => [
  "text",
  sessionId,
  conversationId,
  turnId,
];

let lastStamp = 0;
let sequence = 0;
/**
 * A turn id that sorts in the order turns were created: the time, a counter within the
 * millisecond, and randomness apart from other instances.
 */
export function newTurnId(now = Date.now()): string {
  if (now === lastStamp) sequence++;
  else (lastStamp = now, sequence = 0);
  return `${now.toString(36).padStart(9, "0")}${sequence.toString(36).padStart(3, "0")}${
    crypto.randomUUID().slice(0, 6)
  }`;
}

export function newWriterToken(): string {
  return crypto.randomUUID();
}

/** Tries `attempt` until it says it is done, backing off between conflicts; gives up after the window. */
async function untilCommitted<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (let round = 0;; round++) {
    const done = await attempt();
    if (done !== undefined) return done;
    if (Date.now() - started > CONFLICT_WINDOW_MS) throw new Error(`${what}: too many conflicting writes`);
    const delay = Math.min(200, 2 * 2 ** Math.min(round, 7));
    await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay / 2));
  }
}

/** A slot as read before a question is added: its pointer, and its conversation when it has one. */
export interface Snapshot {
  pointer: Deno.KvEntryMaybe<string>;
  conversation?: Deno.KvEntry<ConversationRecord>;
  turns: Map<string, Deno.KvEntry<TurnRecord>>;
  branch: BranchTurn[];
}

/** A turn, with the text of its shown version. */
export interface BranchTurn {
  turn: TurnRecord;
  answer: { content: string; reasoning: string };
}

export class ConversationStore {
  constructor(
    private readonly kv: Deno.Kv,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  /** The slot's current conversation with its entry, if it has one. */
  async current(sessionId: string, slot: string): Promise<Deno.KvEntry<ConversationRecord> | undefined> {
    const pointer = await this.kv.get<string>(slotKey(sessionId, slot));
    if (pointer.value === null) return undefined;
    const entry = await this.kv.get<ConversationRecord>(conversationKey(sessionId, pointer.value));
    return entry.value === null ? undefined : entry as Deno.KvEntry<ConversationRecord>;
  }

  /** Every turn of a conversation, by id. */
  async turns(sessionId: string, conversationId: string): Promise<Map<string, Deno.KvEntry<TurnRecord>>> {
    const turns = new Map<string, Deno.KvEntry<TurnRecord>>();
    for await (const entry of this.kv.list<TurnRecord>({ prefix: turnPrefix(sessionId, conversationId) })) {
      turns.set(entry.value.id, entry);
    }
    return turns;
  }

  /**
   * The branch that ends at `leaf`, first turn first (a turn whose parent was trimmed away starts
   * it), with the text of the last `withText` turns' shown versions.
   */
  async branch(
    sessionId: string,
    conversationId: string,
    leaf: string | null,
    { withText = Infinity }: { withText?: number } = {},
  ): Promise<BranchTurn[]> {
    const all = await this.turns(sessionId, conversationId);
    const path: TurnRecord[] = [];
    for (let at = leaf; at !== null;) {
      const turn = all.get(at)?.value;
      if (!turn) break;
      path.unshift(turn);
      at = turn.parent;
    }
    const texts = await this.#withText(
      sessionId,
      conversationId,
      path.slice(path.length - Math.min(withText, path.length)),
    );
    return [
      ...path.slice(0, path.length - texts.length).map((turn) => ({
        turn,
        answer: { content: "", reasoning: "" },
      })),
      ...texts,
    ];
  }

  /** The shown branch of the slot's current conversation, as messages (the last `limitTurns` turns). */
  async slotMessages(sessionId: string, slot: string, limitTurns = TURN_LIMIT): Promise<StoredMessage[]> {
    return (await this.slotWindow(sessionId, slot, { turns: limitTurns })).messages;
  }

  /**
   * A window of the slot's shown branch: its last `turns` turns, or the `turns` before the turn
   * `before`; `older` names the window's first turn when there are turns before it (ask for those
   * with it as `before`).
   */
  async slotWindow(
    sessionId: string,
    slot: string,
    { turns: count, before }: { turns: number; before?: string },
  ): Promise<{ messages: StoredMessage[]; older?: string }> {
    const current = await this.current(sessionId, slot);
    if (!current) return { messages: [] };
    const { id, leaf } = current.value;
    const path = (await this.branch(sessionId, id, leaf, { withText: 0 })).map(({ turn }) => turn);
    const end = before === undefined ? path.length : path.findIndex((turn) => turn.id === before);
    if (end === -1) return { messages: [] };
    const start = Math.max(0, end - count);
    const window = await Promise.all(
      path.slice(start, end).map(async (turn) => ({
        turn,
        answer: await readSegments(
          this.kv,
          textPrefix(sessionId, id, turn.id),
          shownOf(turn)?.segments ?? [],
        ),
      })),
    );
    return { messages: messagesOf(window), ...(start > 0 ? { older: path[start].id } : {}) };
  }

  /** The slots that have a conversation, each with a window of its last `limitTurns` turns (for the page). */
  async allSlots(
    sessionId: string,
    limitTurns: number,
  ): Promise<Record<string, { messages: StoredMessage[]; older?: string }>> {
    const all: Record<string, { messages: StoredMessage[]; older?: string }> = {};
    for await (const entry of this.kv.list<string>({ prefix: ["conv_slot", sessionId] })) {
      const slot = String(entry.key[2]);
      const window = await this.slotWindow(sessionId, slot, { turns: limitTurns });
      if (window.messages.length > 0) all[slot] = window;
    }
    return all;
  }

  /**
   * What a question would be added to: the slot's conversation (none yet for a first question),
   * its turns and its shown branch (with the text of the turns the model gets as context).
   */
  async read(sessionId: string, slot: string): Promise<Snapshot> {
    const pointer = await this.kv.get<string>(slotKey(sessionId, slot));
    const entry = pointer.value === null
      ? undefined
      : await this.kv.get<ConversationRecord>(conversationKey(sessionId, pointer.value));
    if (!entry || entry.value === null) return { pointer, turns: new Map(), branch: [] };
    const conversation = entry as Deno.KvEntry<ConversationRecord>;
    const { id, leaf } = conversation.value;
    const depth = CONTEXT_MESSAGES / 2 + 1;
    // Only the branch's last turns matter here: read the newest turns (one listing, whatever the
    // conversation's length), and any turn of the branch not among them (an older branch) by its key.
    const turns = new Map<string, Deno.KvEntry<TurnRecord>>();
    for await (
      const turn of this.kv.list<TurnRecord>({ prefix: turnPrefix(sessionId, id) }, {
        reverse: true,
        limit: depth * 2,
      })
    ) turns.set(turn.value.id, turn);
    const path: TurnRecord[] = [];
    for (let at = leaf; at !== null && path.length < depth;) {
      let turn = turns.get(at);
      if (!turn) {
        const fetched = await this.kv.get<TurnRecord>(turnKey(sessionId, id, at));
        if (fetched.value === null) break;
        turn = fetched as Deno.KvEntry<TurnRecord>;
        turns.set(at, turn);
      }
      path.unshift(turn.value);
      at = turn.value.parent;
    }
    return { pointer, conversation, turns, branch: await this.#withText(sessionId, id, path) };
  }

  /** The turns with the text of their shown versions. */
  #withText(sessionId: string, conversationId: string, turns: TurnRecord[]): Promise<BranchTurn[]> {
    return Promise.all(turns.map(async (turn) => ({
      turn,
      answer: await readSegments(
        this.kv,
        textPrefix(sessionId, conversationId, turn.id),
        shownOf(turn)?.segments ?? [],
      ),
    })));
  }

  /**
   * Stores a question and opens its answer for `writer`. A question asked again right after an
   * unfinished answer (or none) retries that turn, its old answer replaced; asked to regenerate, the
   * last turn gets a new version and keeps the old. Otherwise a new turn goes after the leaf (in a
   * new conversation for the slot's first question). `context` is the branch before the question:
   * what the model gets with it. `snapshot` is a `read` made just before (it saves reading again
   * when nothing changed meanwhile).
   */
  async ask(
    sessionId: string,
    { slot, feature }: { slot: string; feature: string },
    question: { content: string; lang?: string },
    { writer, regenerating = false, snapshot }: {
      writer: string;
      regenerating?: boolean;
      snapshot?: Snapshot;
    },
  ): Promise<{ address: AnswerAddress; context: StoredMessage[] }> {
    let first = snapshot;
    return await untilCommitted("store a question", async () => {
      const { pointer, conversation, turns, branch } = first ?? await this.read(sessionId, slot);
      first = undefined;
      const now = this.now();
      const record: ConversationRecord = conversation?.value ??
        { id: crypto.randomUUID(), feature, slot, createdAt: now, updatedAt: now, leaf: null, turns: 0 };
      const last = branch.at(-1)?.turn;
      const { replaced, context: before } = placeOf(branch, question.content, regenerating);
      const opened: AnswerVersion = { state: "writing", writer, segments: [], lang: question.lang, at: now };
      const op = this.kv.atomic().check(pointer);
      if (conversation) op.check(conversation);
      else op.set(slotKey(sessionId, slot), record.id, { expireIn: this.ttlMs });
      let address: AnswerAddress;
      let dropped: { turnId: string; segments: Segment[] } | undefined;
      if (replaced > 0 && last) {
        // The same turn again: a new version (Regenerate of a finished answer), or its unfinished
        // answer replaced.
        const keep = regenerating && shownOf(last)?.state === "done";
        const versions = keep
          ? [...last.versions, opened]
          : last.versions.map((version, i) => (i === last.shown ? opened : version));
        const shown = keep ? versions.length - 1 : last.shown;
        if (!keep) dropped = { turnId: last.id, segments: shownOf(last)?.segments ?? [] };
        const lastEntry = turns.get(last.id)!;
        op.check(lastEntry)
          .set(lastEntry.key, { ...last, question: { ...question, at: now }, versions, shown }, {
            expireIn: this.ttlMs,
          })
          .set(conversationKey(sessionId, record.id), { ...record, updatedAt: now }, {
            expireIn: this.ttlMs,
          });
        address = { sessionId, conversationId: record.id, turnId: last.id, version: shown, writer };
      } else {
        const turn: TurnRecord = {
          id: newTurnId(now),
          parent: record.leaf,
          question: { ...question, at: now },
          versions: [opened],
          shown: 0,
        };
        // Past the limit, the oldest turn goes in the same commit (its text right after).
        const oldest = record.turns + 1 > TURN_LIMIT
          ? await this.#oldestTurn(sessionId, record.id)
          : undefined;
        if (oldest) {
          op.check(oldest).delete(oldest.key);
          dropped = { turnId: oldest.value.id, segments: oldest.value.versions.flatMap((v) => v.segments) };
        }
        op.set(turnKey(sessionId, record.id, turn.id), turn, { expireIn: this.ttlMs })
          .set(
            conversationKey(sessionId, record.id),
            { ...record, leaf: turn.id, turns: record.turns + (oldest ? 0 : 1), updatedAt: now },
            { expireIn: this.ttlMs },
          );
        address = { sessionId, conversationId: record.id, turnId: turn.id, version: 0, writer };
      }
      if (!(await op.commit()).ok) return undefined;
      if (dropped) {
        await deleteSegments(this.kv, textPrefix(sessionId, record.id, dropped.turnId), dropped.segments);
      }
      return { address, context: before };
    });
  }

  /**
   * Opens a turn's shown answer again for `writer`, to go on from its text (Continue). The turn is
   * the one named, or the conversation's last: chosen now, not when the answer is saved, so a
   * question sent meanwhile is never continued instead. `context` is the branch up to and with
   * that answer. Undefined when there is no answer with text to continue.
   */
  async reopen(
    sessionId: string,
    slot: string,
    { writer, turnId }: { writer: string; turnId?: string },
  ): Promise<{ address: AnswerAddress; context: StoredMessage[] } | undefined> {
    return await untilCommitted("continue an answer", async () => {
      const record = (await this.current(sessionId, slot))?.value;
      const target = turnId ?? record?.leaf;
      if (!record || !target) return { none: true as const };
      const entry = await this.kv.get<TurnRecord>(turnKey(sessionId, record.id, target));
      const turn = entry.value;
      const version = turn ? shownOf(turn) : undefined;
      if (
        !turn || !version || version.state === "writing" ||
        version.segments.every((s) => s.kind !== "content")
      ) {
        return { none: true as const };
      }
      const versions = turn.versions.map((
        v,
        i,
      ) => (i === turn.shown ? { ...v, state: "writing" as const, writer } : v));
      const result = await this.kv.atomic()
        .check(entry)
        .set(entry.key, { ...turn, versions }, { expireIn: this.ttlMs })
        .commit();
      if (!result.ok) return undefined;
      const branch = await this.branch(sessionId, record.id, turn.id, { withText: CONTEXT_MESSAGES / 2 + 1 });
      return {
        address: { sessionId, conversationId: record.id, turnId: turn.id, version: turn.shown, writer },
        context: messagesOf(branch),
      };
    }).then((found) => ("none" in found ? undefined : found));
  }

  /**
   * Ends an answer: its text (added to what it had), how it ended. Only its writer can, and only
   * while it is open: otherwise "fenced", and nothing of this text is kept.
   */
  async finish(address: AnswerAddress, ending: AnswerEnding, fence?: WriteFence): Promise<Ending> {
    return await this.#end(address, ending, (version) => version.writer === address.writer, fence);
  }

  /**
   * Ends an answer whose writer died (an orphan: found by its writer's token in the slot's
   * conversation), with the text its readers were shown; its late writer, should it wake, is
   * fenced out.
   */
  async takeOver(sessionId: string, slot: string, writer: string, text: string): Promise<Ending> {
    const current = await this.current(sessionId, slot);
    if (!current) return "fenced";
    for (const { value: turn } of (await this.turns(sessionId, current.value.id)).values()) {
      const version = turn.versions.findIndex((v) => v.writer === writer);
      if (version === -1) continue;
      const address = { sessionId, conversationId: current.value.id, turnId: turn.id, version, writer: "" };
      return await this.#end(address, { content: text, incomplete: true }, () => true);
    }
    return "fenced";
  }

  async #end(
    address: AnswerAddress,
    ending: AnswerEnding,
    holds: (version: AnswerVersion) => boolean,
    fence?: WriteFence,
  ): Promise<Ending> {
    const { sessionId, conversationId, turnId } = address;
    const prefix = textPrefix(sessionId, conversationId, turnId);
    // Short text goes inline in the turn's record (one commit, and read with it); longer text first,
    // under new keys that nothing names yet: the record then names it, or it goes.
    const current = (await this.kv.get<TurnRecord>(turnKey(sessionId, conversationId, turnId))).value;
    let inline = current ? inlineCharacters(current) : 0;
    const written: Segment[] = [];
    for (
      const [kind, text] of [["reasoning", ending.reasoning ?? ""], ["content", ending.content]] as const
    ) {
      if (!text) continue;
      if (inline + text.length <= INLINE_CHARACTERS) {
        written.push({ id: segmentId(), kind, chunks: 0, text });
        inline += text.length;
      } else written.push((await writeSegment(this.kv, prefix, kind, text, this.ttlMs))!);
    }
    const outcome = await untilCommitted("save an answer", async () => {
      const entry = await this.kv.get<TurnRecord>(turnKey(sessionId, conversationId, turnId));
      const turn = entry.value;
      const version = turn?.versions[address.version];
      if (!turn || !version || version.state !== "writing" || !holds(version)) return "fenced" as const;
      // What the last writing said is replaced by what this one says: its error, its stats.
      const { writer: _writer, error: _error, stats: _stats, ...rest } = version;
      const ended: AnswerVersion = {
        ...rest,
        segments: [...version.segments, ...written],
        state: ending.error ? "failed" : ending.incomplete ? "incomplete" : "done",
        ...(ending.error ? { error: ending.error } : {}),
        ...(ending.stats && !ending.error ? { stats: ending.stats } : {}),
      };
      const versions = turn.versions.map((v, i) => (i === address.version ? ended : v));
      const op = this.kv.atomic().check(entry).set(entry.key, { ...turn, versions }, {
        expireIn: this.ttlMs,
      });
      if (fence) {
        const held = await fence.hold();
        if (!held) return "fenced" as const;
        op.check(held);
        fence.mark(op, held);
      }
      return (await op.commit()).ok ? "written" as const : undefined;
    });
    if (outcome === "fenced") await deleteSegments(this.kv, prefix, written);
    return outcome;
  }

  async #oldestTurn(
    sessionId: string,
    conversationId: string,
  ): Promise<Deno.KvEntry<TurnRecord> | undefined> {
    for await (
      const turn of this.kv.list<TurnRecord>({ prefix: turnPrefix(sessionId, conversationId) }, { limit: 1 })
    ) {
      return turn;
    }
    return undefined;
  }

  /** Deletes the slot's conversation: its record, every turn and every text. */
  async clearSlot(sessionId: string, slot: string): Promise<void> {
    const current = await this.current(sessionId, slot);
    await this.kv.delete(slotKey(sessionId, slot));
    if (current) await this.#deleteConversation(sessionId, current.value.id);
  }

  /** Deletes every conversation of the feature's slots: `feature` itself and `feature/…`. */
  async clearFeature(sessionId: string, feature: string): Promise<void> {
    const slots: string[] = [];
    for await (const entry of this.kv.list<string>({ prefix: ["conv_slot", sessionId] })) {
      const slot = String(entry.key[2]);
      if (slot === feature || slot.startsWith(`${feature}/`)) slots.push(slot);
    }
    for (const slot of slots) await this.clearSlot(sessionId, slot);
  }

  async #deleteConversation(sessionId: string, conversationId: string): Promise<void> {
    for (const prefix of [turnPrefix(sessionId, conversationId), ["text", sessionId, conversationId]]) {
      let op = this.kv.atomic();
      let pending = 0;
      for await (const entry of this.kv.list({ prefix })) {
        op.delete(entry.key);
        if (++pending === 100) {
          await op.commit();
          op = this.kv.atomic();
          pending = 0;
        }
      }
      if (pending > 0) await op.commit();
    }
    await this.kv.delete(conversationKey(sessionId, conversationId));
  }
}

/**
 * Where a question goes on a branch: how many of its last messages it replaces (the contract's
 * rule: a retry of an unfinished turn, or Regenerate; never an answer still being written), and the
 * messages before it, which the model gets as context.
 */
export function placeOf(
  branch: BranchTurn[],
  question: string,
  regenerating: boolean,
): { replaced: number; context: StoredMessage[] } {
  const messages = messagesOf(branch);
  const last = branch.at(-1)?.turn;
  const replaced = last && shownOf(last)?.state === "writing"
    ? 0
    : replacedMessages(messages, question, regenerating);
  // A replaced turn goes whole: its question and whatever answer it had.
  const turnMessages = replaced > 0 && last ? messages.filter((m) => m.turnId === last.id).length : 0;
  return { replaced, context: messages.slice(0, messages.length - turnMessages) };
}

/**
 * Text kept inline in one turn's record, at most: two bytes a character beyond Latin-1, with the
 * question (2,000 characters at most) and the rest of the record, stays well below KV's 64 KiB.
 */
const INLINE_CHARACTERS = 12_000;

function inlineCharacters(turn: TurnRecord): number {
  return turn.versions.reduce((n, v) => n + v.segments.reduce((m, s) => m + (s.text?.length ?? 0), 0), 0);
}

export function shownOf(turn: TurnRecord): AnswerVersion | undefined {
  return turn.versions[turn.shown];
}

/**
 * The messages of a branch: each question, then its shown answer when it has text or failed (a
 * failed answer is kept without text, so the page can offer Retry). An answer still being written
 * is incomplete as far as it got.
 */
export function messagesOf(branch: BranchTurn[]): StoredMessage[] {
  const messages: StoredMessage[] = [];
  for (const { turn, answer } of branch) {
    messages.push({
      role: "user",
      content: turn.question.content,
      ...(turn.question.lang ? { lang: turn.question.lang } : {}),
      at: turn.question.at,
      turnId: turn.id,
    });
    const version = shownOf(turn);
    if (!version || (!answer.content && !version.error)) continue;
    messages.push({
      role: "assistant",
      content: answer.content,
      ...(version.state !== "done" ? { incomplete: true } : {}),
      ...(answer.reasoning ? { reasoning: answer.reasoning } : {}),
      ...(version.stats ? { stats: version.stats } : {}),
      ...(version.error ? { error: version.error } : {}),
      ...(version.lang ? { lang: version.lang } : {}),
      at: version.at,
      turnId: turn.id,
    });
  }
  return messages;
}

/** A message as the page and the API give it: what the reader sees, without the store's bookkeeping. */
export function publicMessage(
  { role, content, incomplete, reasoning, stats, error, lang }: StoredMessage,
): PublicMessage {
  return {
    role,
    content,
    incomplete,
    ...(lang ? { lang } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(stats ? { stats } : {}),
    ...(error ? { error } : {}),
  };
}
