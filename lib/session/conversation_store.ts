/**
 * What a session keeps, in one store: conversation → turns by id → answer versions, each message
 * of any length, and every answer written only by the one writer that holds it.
 *
 * - A **conversation** belongs to a feature and stands in a *shelf* of the page (`trivia-bot`,
 *   `character-chat/witch`); a shelf holds many (New chat, a shelf of stories) and names the one used
 *   last. A conversation has a title (its first message, or the reader's own) and records the
 *   shown branch by its last turn (`leaf`).
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
 * - **Bounds**: a session keeps at most CONVERSATION_LIMIT conversations and TEXT_LIMIT bytes of
 *   text (the least recently used conversation goes first, and a notice says so), a conversation
 *   TURN_LIMIT turns. Nothing here expires by itself: every part of a conversation lasts as long as
 *   the conversation, which lasts as long as its session (`history_sweeper.ts` deletes a lapsed
 *   session's conversations), or until it is deleted — and deleting removes every entry.
 *
 * The store is given a KV that retries transient failures (`retrying_kv.ts`); a conflict (another
 * writer changed the record meanwhile) is read again and tried again, for a bounded time.
 */
import { CONTEXT_MESSAGES } from "../features/feature.ts";
import {
  type AnswerStats,
  type ConversationSummary,
  type PublicMessage,
  type RemovedNotice,
  replacedMessages,
} from "../shared/contract.ts";
import { deleteSegments, readSegments, type Segment, segmentId, writeSegment } from "./answer_text.ts";

export type { Segment };

export type { ConversationSummary, RemovedNotice };

/** A conversation as stored: what the list shows, and the branch it shows. */
export interface ConversationRecord extends ConversationSummary {
  /** The reader gave it its title. */
  renamed?: boolean;
  /** The last turn of the branch shown; null while it has none. */
  leaf: string | null;
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
  /** Bytes of its text, counted against the session's bound. */
  bytes?: number;
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
/** Conversations kept per session, every feature counted; the least recently used goes first. */
export const CONVERSATION_LIMIT = 60;
/** Bytes of text (UTF-8) kept per session; past it, the least recently used conversations go. */
export const TEXT_LIMIT = 8 * 1024 * 1024;
/** A title's length at most, in characters. */
export const TITLE_MAX = 80;
/** Removal notices kept, and for how long. */
const NOTICES_KEPT = 5;
const NOTICE_TTL_MS = 7 * 24 * 3600 * 1000;

/** How long one write keeps trying through conflicts with other writers. */
const CONFLICT_WINDOW_MS = 15_000;

const recordKey = (sessionId: string, id: string) => ["conv", sessionId, id];
const shelfKey = (sessionId: string, shelf: string) => ["conv_shelf", sessionId, shelf];
const sizeKey = (sessionId: string, id: string) => ["conv_size", sessionId, id];
const noticesKey = (sessionId: string) => ["conv_removed", sessionId];
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
/** Every prefix under which a session's conversations keep something. */
const SESSION_PREFIXES = ["conv", "conv_shelf", "conv_size", "conv_removed", "turn", "text"];

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

/** A conversation's title from its first message: one line, at most TITLE_MAX characters. */
export function titleOf(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1).trimEnd()}…` : line;
}

const utf8 = new TextEncoder();
const bytesOf = (text: string) => utf8.encode(text).length;
/** A change of a KvU64 counter, as `sum` takes it: KV's sum wraps around, so adding 2⁶⁴ − n takes n away. */
const change = (n: number) => n >= 0 ? BigInt(n) : (1n << 64n) - BigInt(-n);

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

/** A conversation named in a request is not this session's (or not of this feature): as if missing. */
export class NoSuchConversation extends Error {
  constructor(readonly what: "conversation" | "turn" | "version" | "branch" = "conversation") {
    super(`no such ${what}`);
    this.name = "NoSuchConversation";
  }
}

/** A result named again for a new request: a result's conversation holds one request (and its follow-ups). */
export class ConversationTaken extends Error {
  constructor() {
    super("conversation_id already names a result: use a new id for a new one");
    this.name = "ConversationTaken";
  }
}

/** Which conversation a question goes to, and how. */
export interface Destination {
  shelf: string;
  feature: string;
  /**
   * The conversation named by the request: one of the session's (of this shelf), or a new id that
   * starts one. Without it, the shelf's last used conversation (a new one for a `fresh` request).
   */
  conversationId?: string;
  /** The request starts its conversation afresh (a new story): never added to an earlier one. */
  fresh?: boolean;
  /** The title a new conversation gets. */
  title?: string;
}

/** A conversation as read before a question is added: its entry (none yet), its turns and shown branch. */
export interface Snapshot {
  /** The shelf's pointer, checked when the conversation was found through it (or is made for it). */
  pointer?: Deno.KvEntryMaybe<string>;
  /** The id the conversation has, or will have once its first question is stored. */
  id: string;
  conversation?: Deno.KvEntry<ConversationRecord>;
  turns: Map<string, Deno.KvEntry<TurnRecord>>;
  /** The branch the question goes after: the shown one, or the one before the edited turn. */
  branch: BranchTurn[];
  /** The turn an edit replaces on the shown branch (its sibling is added). */
  edited?: TurnRecord;
}

/** A turn, with the text of its shown version. */
export interface BranchTurn {
  turn: TurnRecord;
  answer: { content: string; reasoning: string };
}

/** A window of a conversation's shown branch, and the turn before it, if any. */
export interface ConversationWindow {
  conversation?: ConversationSummary;
  messages: StoredMessage[];
  older?: string;
}

export class ConversationStore {
  constructor(
    private readonly kv: Deno.Kv,
    private readonly now: () => number = Date.now,
  ) {}

  /** A conversation of the session, if it has it. */
  async get(sessionId: string, id: string): Promise<Deno.KvEntry<ConversationRecord> | undefined> {
    const entry = await this.kv.get<ConversationRecord>(recordKey(sessionId, id));
    return entry.value === null ? undefined : entry as Deno.KvEntry<ConversationRecord>;
  }

  /** The shelf's last used conversation with its entry, if it has one. */
  async current(sessionId: string, shelf: string): Promise<Deno.KvEntry<ConversationRecord> | undefined> {
    const pointer = await this.kv.get<string>(shelfKey(sessionId, shelf));
    return pointer.value === null ? undefined : await this.get(sessionId, pointer.value);
  }

  /** The session's conversations, most recently used first; of one shelf, or of one feature's shelves. */
  async list(
    sessionId: string,
    { shelf, feature }: { shelf?: string; feature?: string } = {},
  ): Promise<ConversationSummary[]> {
    const found: ConversationSummary[] = [];
    for await (const { value } of this.kv.list<ConversationRecord>({ prefix: ["conv", sessionId] })) {
      if (shelf !== undefined && value.shelf !== shelf) continue;
      if (feature !== undefined && value.feature !== feature) continue;
      found.push(summaryOf(value));
    }
    return found.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Each shelf's last used conversation, by shelf. */
  async pointers(sessionId: string): Promise<Record<string, string>> {
    const pointers: Record<string, string> = {};
    for await (const entry of this.kv.list<string>({ prefix: ["conv_shelf", sessionId] })) {
      pointers[String(entry.key[2])] = entry.value;
    }
    return pointers;
  }

  /** Conversations removed lately to keep the session within its bounds, newest first. */
  async removed(sessionId: string): Promise<RemovedNotice[]> {
    return (await this.kv.get<RemovedNotice[]>(noticesKey(sessionId))).value ?? [];
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
    const path = pathTo(await this.turns(sessionId, conversationId), leaf);
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

  /** The shown branch of the shelf's last used conversation, as messages (the last `limitTurns` turns). */
  async shelfMessages(sessionId: string, shelf: string, limitTurns = TURN_LIMIT): Promise<StoredMessage[]> {
    return (await this.shelfWindow(sessionId, shelf, { turns: limitTurns })).messages;
  }

  /** A window of the shelf's last used conversation (see `window`). */
  async shelfWindow(
    sessionId: string,
    shelf: string,
    options: { turns: number; before?: string },
  ): Promise<ConversationWindow> {
    const current = await this.current(sessionId, shelf);
    return current ? await this.window(sessionId, current.value, options) : { messages: [] };
  }

  /**
   * A window of a conversation's shown branch: its last `turns` turns, or the `turns` before the
   * turn `before`; `older` names the window's first turn when there are turns before it (ask for
   * those with it as `before`). Each question says which of its branches it is on (`branch`), each
   * answer which of its versions (`version`), when there are more than one.
   */
  async window(
    sessionId: string,
    conversation: ConversationRecord | string,
    { turns: count, before }: { turns: number; before?: string },
  ): Promise<ConversationWindow> {
    const record = typeof conversation === "string"
      ? (await this.get(sessionId, conversation))?.value
      : conversation;
    if (!record) return { messages: [] };
    const all = await this.turns(sessionId, record.id);
    const path = pathTo(all, record.leaf);
    const end = before === undefined ? path.length : path.findIndex((turn) => turn.id === before);
    if (end === -1) return { conversation: summaryOf(record), messages: [] };
    const start = Math.max(0, end - count);
    const shown = await this.#withText(sessionId, record.id, path.slice(start, end));
    const siblings = siblingsOf(all);
    const messages = messagesOf(shown).map((message) => {
      const turn = all.get(message.turnId)!.value;
      if (message.role === "user") {
        const family = siblings.get(turn.parent) ?? [turn.id];
        return family.length > 1
          ? { ...message, branch: { index: family.indexOf(turn.id) + 1, count: family.length } }
          : message;
      }
      return turn.versions.length > 1
        ? { ...message, version: { index: turn.shown + 1, count: turn.versions.length } }
        : message;
    });
    return {
      conversation: summaryOf(record),
      messages,
      ...(start > 0 ? { older: path[start].id } : {}),
    };
  }

  /** The versions of a turn's answer, each with its text and how it ended. */
  async versions(
    sessionId: string,
    conversationId: string,
    turnId: string,
  ): Promise<{ shown: number; versions: Array<PublicMessage & { at: number }> } | undefined> {
    const turn = (await this.kv.get<TurnRecord>(turnKey(sessionId, conversationId, turnId))).value;
    if (!turn) return undefined;
    const prefix = textPrefix(sessionId, conversationId, turnId);
    const versions = await Promise.all(
      turn.versions.map(async (version) =>
        answerMessage(version, await readSegments(this.kv, prefix, version.segments))
      ),
    );
    return { shown: turn.shown, versions };
  }

  /**
   * Shows another version of a turn's answer (1-based `version`), or another branch at a turn: its
   * `branch`-th sibling (1-based, in the order they were asked), followed down by the newest turn
   * at each step. Refused while that conversation has an answer being written on the branch shown.
   */
  async show(
    sessionId: string,
    conversationId: string,
    turnId: string,
    choice: { version: number } | { branch: number },
  ): Promise<void> {
    await untilCommitted("show a branch", async () => {
      const entry = await this.get(sessionId, conversationId);
      if (!entry) throw new NoSuchConversation();
      const all = await this.turns(sessionId, conversationId);
      const turnEntry = all.get(turnId);
      if (!turnEntry) throw new NoSuchConversation("turn");
      const op = this.kv.atomic().check(entry);
      if ("version" in choice) {
        const turn = turnEntry.value;
        const index = choice.version - 1;
        if (!turn.versions[index]) throw new NoSuchConversation("version");
        if (shownOf(turn)?.state === "writing") return false;
        op.check(turnEntry).set(turnEntry.key, { ...turn, shown: index });
      } else {
        const family = siblingsOf(all).get(turnEntry.value.parent) ?? [turnId];
        const chosen = family[choice.branch - 1];
        if (!chosen) throw new NoSuchConversation("branch");
        const shownLeaf = entry.value.leaf ? all.get(entry.value.leaf)?.value : undefined;
        if (shownLeaf && shownOf(shownLeaf)?.state === "writing") return false;
        op.set(entry.key, { ...entry.value, leaf: newestLeaf(all, chosen) });
      }
      return (await op.commit()).ok ? true : undefined;
    }).then((done) => {
      if (!done) throw new AnswerBeingWritten();
    });
  }

  /** Names the shelf's last used conversation (the one an API request without an id goes to). */
  async open(sessionId: string, conversationId: string): Promise<ConversationRecord> {
    const entry = await this.get(sessionId, conversationId);
    if (!entry) throw new NoSuchConversation();
    await this.kv.set(shelfKey(sessionId, entry.value.shelf), conversationId);
    return entry.value;
  }

  /** Gives a conversation the reader's own title. */
  async rename(sessionId: string, conversationId: string, title: string): Promise<ConversationSummary> {
    return await untilCommitted("rename a conversation", async () => {
      const entry = await this.get(sessionId, conversationId);
      if (!entry) throw new NoSuchConversation();
      const renamed = { ...entry.value, title: titleOf(title), renamed: true };
      return (await this.kv.atomic().check(entry).set(entry.key, renamed).commit()).ok
        ? summaryOf(renamed)
        : undefined;
    });
  }

  /**
   * What a question would be added to: the conversation (none yet for a first question), its turns
   * and the branch it goes after (with the text of the turns the model gets as context). `edit`
   * names a turn of the shown branch whose question is asked anew: the branch is the one before it.
   */
  async read(
    sessionId: string,
    { shelf, conversationId, fresh = false }: Pick<Destination, "shelf" | "conversationId" | "fresh">,
    edit?: string,
  ): Promise<Snapshot> {
    let pointer: Deno.KvEntryMaybe<string> | undefined;
    let id = conversationId;
    if (id === undefined && !fresh) {
      pointer = await this.kv.get<string>(shelfKey(sessionId, shelf));
      id = pointer.value ?? undefined;
    }
    if (id === undefined) {
      pointer ??= await this.kv.get<string>(shelfKey(sessionId, shelf));
      return { pointer, id: crypto.randomUUID(), turns: new Map(), branch: [] };
    }
    const conversation = await this.get(sessionId, id);
    if (!conversation) {
      if (conversationId === undefined) {
        return { pointer, id: crypto.randomUUID(), turns: new Map(), branch: [] };
      }
      if (edit) throw new NoSuchConversation("turn");
      return { id, turns: new Map(), branch: [] };
    }
    if (conversation.value.shelf !== shelf) throw new NoSuchConversation();
    const { leaf } = conversation.value;
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
    const fetch = async (at: string) => {
      let turn = turns.get(at);
      if (!turn) {
        const fetched = await this.kv.get<TurnRecord>(turnKey(sessionId, id, at));
        if (fetched.value === null) return undefined;
        turn = fetched as Deno.KvEntry<TurnRecord>;
        turns.set(at, turn);
      }
      return turn;
    };
    let edited: TurnRecord | undefined;
    let start = leaf;
    if (edit) {
      edited = (await fetch(edit))?.value;
      if (!edited) throw new NoSuchConversation("turn");
      start = edited.parent;
    }
    const path: TurnRecord[] = [];
    for (let at = start; at !== null && path.length < depth;) {
      const turn = await fetch(at);
      if (!turn) break;
      path.unshift(turn.value);
      at = turn.value.parent;
    }
    return {
      pointer,
      id,
      conversation,
      turns,
      edited,
      branch: await this.#withText(sessionId, id, path),
    };
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
   * last turn gets a new version and keeps the old. `edit` asks a turn's question anew: the new
   * question is its sibling (a new branch, shown), the old branch is kept. Otherwise a new turn goes
   * after the leaf (in a new conversation for a first question). `context` is the branch before
   * the question: what the model gets with it. `snapshot` is a `read` made just before (it saves
   * reading again when nothing changed meanwhile).
   */
  async ask(
    sessionId: string,
    destination: Destination,
    question: { content: string; lang?: string },
    { writer, regenerating = false, edit, snapshot }: {
      writer: string;
      regenerating?: boolean;
      edit?: string;
      snapshot?: Snapshot;
    },
  ): Promise<{ address: AnswerAddress; context: StoredMessage[]; created: boolean }> {
    const { shelf, feature } = destination;
    let first = snapshot;
    const asked = await untilCommitted("store a question", async () => {
      const read = first ?? await this.read(sessionId, destination, edit);
      first = undefined;
      const { pointer, conversation, turns, branch, edited } = read;
      const now = this.now();
      const record: ConversationRecord = conversation?.value ?? {
        id: read.id,
        feature,
        shelf,
        title: titleOf(destination.title ?? question.content),
        ...(question.lang ? { lang: question.lang } : {}),
        createdAt: now,
        updatedAt: now,
        leaf: null,
        turns: 0,
      };
      // An edit that asks again what the shown branch's last, unanswered turn asked retries that turn.
      const leafTurn = record.leaf ? turns.get(record.leaf)?.value : undefined;
      const retryOfEdit = edited && leafTurn && leafTurn.parent === edited.parent &&
        shownOf(leafTurn)?.state !== "done" && shownOf(leafTurn)?.state !== "writing" &&
        leafTurn.question.content === question.content;
      const onBranch = retryOfEdit
        ? [...branch, { turn: leafTurn!, answer: { content: "", reasoning: "" } }]
        : branch;
      const last = onBranch.at(-1)?.turn;
      const { replaced, context: before } = edited && !retryOfEdit
        ? { replaced: 0, context: messagesOf(branch) }
        : placeOf(onBranch, question.content, regenerating);
      if (destination.fresh && conversation && replaced === 0) throw new ConversationTaken();
      const opened: AnswerVersion = { state: "writing", writer, segments: [], lang: question.lang, at: now };
      const op = this.kv.atomic();
      if (pointer) op.check(pointer);
      op.check(conversation ?? { key: recordKey(sessionId, record.id), versionstamp: null });
      op.set(shelfKey(sessionId, shelf), record.id);
      let address: AnswerAddress;
      let dropped: { turnId: string; segments: Segment[] } | undefined;
      // The change in the conversation's bytes of text.
      let grown = bytesOf(question.content);
      if (replaced > 0 && last) {
        // The same turn again: a new version (Regenerate of a finished answer), or its unfinished
        // answer replaced.
        const keep = regenerating && shownOf(last)?.state === "done";
        const versions = keep
          ? [...last.versions, opened]
          : last.versions.map((version, i) => (i === last.shown ? opened : version));
        const shown = keep ? versions.length - 1 : last.shown;
        grown -= bytesOf(last.question.content);
        if (!keep) {
          dropped = { turnId: last.id, segments: shownOf(last)?.segments ?? [] };
          grown -= shownOf(last)?.bytes ?? 0;
        }
        const lastEntry = turns.get(last.id)!;
        op.check(lastEntry)
          .set(lastEntry.key, { ...last, question: { ...question, at: now }, versions, shown })
          .set(recordKey(sessionId, record.id), { ...record, leaf: last.id, updatedAt: now });
        address = { sessionId, conversationId: record.id, turnId: last.id, version: shown, writer };
      } else {
        const turn: TurnRecord = {
          id: newTurnId(now),
          parent: edited ? edited.parent : record.leaf,
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
          grown -= turnBytes(oldest.value);
        }
        op.set(turnKey(sessionId, record.id, turn.id), turn)
          .set(
            recordKey(sessionId, record.id),
            { ...record, leaf: turn.id, turns: record.turns + (oldest ? 0 : 1), updatedAt: now },
          );
        address = { sessionId, conversationId: record.id, turnId: turn.id, version: 0, writer };
      }
      if (grown !== 0) {
        op.sum(sizeKey(sessionId, record.id), change(grown));
      }
      if (!(await op.commit()).ok) return undefined;
      if (dropped) {
        await deleteSegments(this.kv, textPrefix(sessionId, record.id, dropped.turnId), dropped.segments);
      }
      return { address, context: before, created: !conversation };
    });
    if (asked.created) await this.#keepWithinBounds(sessionId, asked.address.conversationId);
    return asked;
  }

  /**
   * Opens a turn's shown answer again for `writer`, to go on from its text (Continue). The turn is
   * the one named, or the conversation's last: chosen now, not when the answer is saved, so a
   * question sent meanwhile is never continued instead. `context` is the branch up to and with
   * that answer. Undefined when there is no answer with text to continue.
   */
  async reopen(
    sessionId: string,
    { shelf, conversationId }: { shelf: string; conversationId?: string },
    { writer, turnId }: { writer: string; turnId?: string },
  ): Promise<{ address: AnswerAddress; context: StoredMessage[] } | undefined> {
    return await untilCommitted("continue an answer", async () => {
      const record = conversationId === undefined
        ? (await this.current(sessionId, shelf))?.value
        : (await this.get(sessionId, conversationId))?.value;
      if (record && record.shelf !== shelf) throw new NoSuchConversation();
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
        .set(entry.key, { ...turn, versions })
        .set(shelfKey(sessionId, shelf), record.id)
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
    const ended = await this.#end(address, ending, (version) => version.writer === address.writer, fence);
    if (ended === "written") await this.#keepWithinBounds(address.sessionId, address.conversationId);
    return ended;
  }

  /**
   * Ends an answer whose writer died (an orphan: found by its writer's token among the shelf's
   * conversations, the one named first), with the text its readers were shown; its late writer,
   * should it wake, is fenced out.
   */
  async takeOver(
    sessionId: string,
    shelf: string,
    writer: string,
    text: string,
    conversationId?: string,
  ): Promise<Ending> {
    const named = conversationId ? [conversationId] : [];
    const current = (await this.current(sessionId, shelf))?.value.id;
    const others = (await this.list(sessionId, { shelf })).map((c) => c.id);
    for (const id of new Set([...named, ...(current ? [current] : []), ...others])) {
      for (const { value: turn } of (await this.turns(sessionId, id)).values()) {
        const version = turn.versions.findIndex((v) => v.writer === writer);
        if (version === -1) continue;
        const address = { sessionId, conversationId: id, turnId: turn.id, version, writer: "" };
        return await this.#end(address, { content: text, incomplete: true }, () => true);
      }
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
    // One read of the turn serves the first try of the commit too (read again only after a conflict).
    let read: Deno.KvEntryMaybe<TurnRecord> | undefined = await this.kv.get<TurnRecord>(
      turnKey(sessionId, conversationId, turnId),
    );
    const current = read.value;
    let inline = current ? inlineCharacters(current) : 0;
    const written: Segment[] = [];
    for (
      const [kind, text] of [["reasoning", ending.reasoning ?? ""], ["content", ending.content]] as const
    ) {
      if (!text) continue;
      if (inline + text.length <= INLINE_CHARACTERS) {
        written.push({ id: segmentId(), kind, chunks: 0, text });
        inline += text.length;
      } else written.push((await writeSegment(this.kv, prefix, kind, text))!);
    }
    const added = bytesOf(ending.content) + bytesOf(ending.reasoning ?? "");
    const outcome = await untilCommitted("save an answer", async () => {
      const entry = read ?? await this.kv.get<TurnRecord>(turnKey(sessionId, conversationId, turnId));
      read = undefined;
      const turn = entry.value;
      const version = turn?.versions[address.version];
      if (!turn || !version || version.state !== "writing" || !holds(version)) return "fenced" as const;
      // What the last writing said is replaced by what this one says: its error, its stats.
      const { writer: _writer, error: _error, stats: _stats, ...rest } = version;
      const ended: AnswerVersion = {
        ...rest,
        segments: [...version.segments, ...written],
        bytes: (version.bytes ?? 0) + added,
        state: ending.error ? "failed" : ending.incomplete ? "incomplete" : "done",
        ...(ending.error ? { error: ending.error } : {}),
        ...(ending.stats && !ending.error ? { stats: ending.stats } : {}),
      };
      const versions = turn.versions.map((v, i) => (i === address.version ? ended : v));
      const op = this.kv.atomic().check(entry)
        .set(entry.key, { ...turn, versions })
        .sum(sizeKey(sessionId, conversationId), change(added));
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

  /**
   * Keeps the session within CONVERSATION_LIMIT conversations and TEXT_LIMIT bytes: the least
   * recently used conversations go (never `keep`, the one just written), each with a notice.
   */
  async #keepWithinBounds(sessionId: string, keep: string): Promise<void> {
    const sizes = new Map<string, number>();
    for await (const entry of this.kv.list<Deno.KvU64>({ prefix: ["conv_size", sessionId] })) {
      sizes.set(String(entry.key[2]), Number(entry.value.value));
    }
    // Every conversation has its counter from its first question: the counters alone say whether
    // the session is within bounds, and the records are read only when it is not (after an answer,
    // this runs on every save).
    const total = [...sizes.values()].reduce((sum, n) => sum + n, 0);
    if (sizes.size <= CONVERSATION_LIMIT && total <= TEXT_LIMIT) return;
    const all = await this.list(sessionId);
    let bytes = all.reduce((sum, c) => sum + (sizes.get(c.id) ?? 0), 0);
    let count = all.length;
    for (const oldest of all.toReversed()) {
      if (count <= CONVERSATION_LIMIT && bytes <= TEXT_LIMIT) return;
      if (oldest.id === keep) continue;
      const reason = count > CONVERSATION_LIMIT ? "conversations" : "bytes";
      await this.remove(sessionId, oldest.id);
      await this.#notice(sessionId, {
        title: oldest.title,
        feature: oldest.feature,
        shelf: oldest.shelf,
        at: this.now(),
        reason,
      });
      count--;
      bytes -= sizes.get(oldest.id) ?? 0;
    }
  }

  async #notice(sessionId: string, notice: RemovedNotice): Promise<void> {
    const notices = await this.removed(sessionId);
    await this.kv.set(noticesKey(sessionId), [notice, ...notices].slice(0, NOTICES_KEPT), {
      expireIn: NOTICE_TTL_MS,
    });
  }

  /**
   * Deletes a conversation: its record, every turn and every text. When it was its shelf's last
   * used, the shelf's most recent other conversation takes its place (none: the shelf has none).
   */
  async remove(sessionId: string, conversationId: string): Promise<boolean> {
    const entry = await this.get(sessionId, conversationId);
    if (!entry) return false;
    await this.#deleteConversation(sessionId, conversationId);
    const pointer = await this.kv.get<string>(shelfKey(sessionId, entry.value.shelf));
    if (pointer.value === conversationId) {
      const next = (await this.list(sessionId, { shelf: entry.value.shelf }))[0];
      const op = this.kv.atomic().check(pointer);
      await (next ? op.set(pointer.key, next.id) : op.delete(pointer.key)).commit();
    }
    return true;
  }

  /** Deletes every conversation of the shelf. */
  async clearShelf(sessionId: string, shelf: string): Promise<void> {
    await this.kv.delete(shelfKey(sessionId, shelf));
    for (const { id } of await this.list(sessionId, { shelf })) await this.#deleteConversation(sessionId, id);
  }

  /** Deletes every conversation of the feature's shelves: `feature` itself and `feature/…`. */
  async clearFeature(sessionId: string, feature: string): Promise<void> {
    const shelves = new Set<string>();
    for await (const entry of this.kv.list<string>({ prefix: ["conv_shelf", sessionId] })) {
      shelves.add(String(entry.key[2]));
    }
    for (const { shelf } of await this.list(sessionId, { feature })) shelves.add(shelf);
    for (const shelf of shelves) {
      if (shelf === feature || shelf.startsWith(`${feature}/`)) await this.clearShelf(sessionId, shelf);
    }
  }

  /** Deletes everything the session's conversations keep (its session has lapsed). */
  async removeSession(sessionId: string): Promise<void> {
    for (const prefix of SESSION_PREFIXES) await this.#deleteAll([prefix, sessionId]);
  }

  async #deleteConversation(sessionId: string, conversationId: string): Promise<void> {
    await this.#deleteAll(turnPrefix(sessionId, conversationId));
    await this.#deleteAll(["text", sessionId, conversationId]);
    await this.kv.atomic()
      .delete(recordKey(sessionId, conversationId))
      .delete(sizeKey(sessionId, conversationId))
      .commit();
  }

  async #deleteAll(prefix: Deno.KvKey): Promise<void> {
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
}

/** Asked to switch what is shown while an answer is written there. */
export class AnswerBeingWritten extends Error {
  constructor() {
    super("an answer is still being written here: wait for it, or stop it");
    this.name = "AnswerBeingWritten";
  }
}

function summaryOf({ leaf: _leaf, renamed: _renamed, ...summary }: ConversationRecord): ConversationSummary {
  return summary;
}

/** The turns from the first to `leaf` (a turn whose parent was trimmed away starts it). */
function pathTo(all: Map<string, Deno.KvEntry<TurnRecord>>, leaf: string | null): TurnRecord[] {
  const path: TurnRecord[] = [];
  for (let at = leaf; at !== null;) {
    const turn = all.get(at)?.value;
    if (!turn) break;
    path.unshift(turn);
    at = turn.parent;
  }
  return path;
}

/** Each turn's children, by parent (null: the first turns), in the order they were asked. */
function siblingsOf(all: Map<string, Deno.KvEntry<TurnRecord>>): Map<string | null, string[]> {
  const children = new Map<string | null, string[]>();
  const ids = [...all.keys()].sort();
  for (const id of ids) {
    // A turn whose parent was trimmed away counts among the first turns.
    const parent = all.get(id)!.value.parent;
    const key = parent !== null && all.has(parent) ? parent : null;
    children.set(key, [...children.get(key) ?? [], id]);
  }
  return children;
}

/** The end of the branch through `from`: its newest child, that one's newest, and so on. */
function newestLeaf(all: Map<string, Deno.KvEntry<TurnRecord>>, from: string): string {
  const children = siblingsOf(all);
  let at = from;
  for (let next = children.get(at)?.at(-1); next !== undefined; next = children.get(at)?.at(-1)) at = next;
  return at;
}

/** Bytes of text a turn holds: its question and every version of its answer. */
function turnBytes(turn: TurnRecord): number {
  return bytesOf(turn.question.content) + turn.versions.reduce((n, v) => n + (v.bytes ?? 0), 0);
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
    messages.push({ ...answerMessage(version, answer), turnId: turn.id });
  }
  return messages;
}

/** An answer version as a message: its text, how it ended, its stats and language. */
function answerMessage(
  version: AnswerVersion,
  text: { content: string; reasoning: string },
): PublicMessage & { role: "assistant"; at: number } {
  return {
    role: "assistant",
    content: text.content,
    ...(version.state !== "done" ? { incomplete: true } : {}),
    ...(text.reasoning ? { reasoning: text.reasoning } : {}),
    ...(version.stats ? { stats: version.stats } : {}),
    ...(version.error ? { error: version.error } : {}),
    ...(version.lang ? { lang: version.lang } : {}),
    at: version.at,
  };
}

/** A message as the page and the API give it: what the reader sees, without the store's bookkeeping. */
export function publicMessage(
  { role, content, incomplete, reasoning, stats, error, lang, turnId, branch, version }: StoredMessage,
): PublicMessage {
  return {
    role,
    content,
    incomplete,
    ...(lang ? { lang } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(stats ? { stats } : {}),
    ...(error ? { error } : {}),
    turn_id: turnId,
    ...(branch ? { branch } : {}),
    ...(version ? { version } : {}),
  };
}
