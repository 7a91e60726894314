/**
 * The durable side of a resumable answer, in Deno KV: who owns it, its events in batches, a Stop
 * request and a heartbeat from readers on other instances. Any instance sharing the KV store can
 * serve a reader from it.
 */
import type { NumberedEvent } from "../sse/relay.ts";
import type { WriteFence } from "../session/conversation_store.ts";
import type { InstanceLease } from "../instance_lease.ts";

export interface StreamMeta {
  sessionId: string;
  /** A hash of the request's parameters: the same request_id with others is a conflict. */
  fingerprint: string;
  feature: string;
  /** Where the answer's conversation is kept on the page (`character-chat/witch`). */
  shelf: string;
  /** The conversation's id, when the request named it (the page always does). */
  conversationId?: string;
  status: "running" | "finished";
  /** The answer's text is in the session's history (its writer saved it): an orphan's is not taken over. */
  saved?: boolean;
  /** Ended by another instance, which took the answer for orphaned: its runner is fenced out. */
  orphaned?: boolean;
  /** Handed over by an instance shutting down, not yet taken up by another (then unset). */
  handedOverAt?: number;
  /** The id of the last event written to the event log. */
  lastId: number;
  createdAt: number;
  /** The instance running it (the answer lives while its heartbeat does), and since when. */
  instance?: string;
  leasedAt?: number;
}

export interface ActiveStream {
  answerId: string;
  feature: string;
  shelf: string;
  conversationId?: string;
}

/** The answer was ended by someone else (taken for orphaned): its runner may write no more. */
export class FencedError extends Error {
  constructor(id: string) {
    super(`the answer ${id} was ended elsewhere`);
    this.name = "FencedError";
  }
}

/** A finished log is kept this long. */
export const FINISHED_TTL_MS = 10 * 60 * 1000;

const metaKey = (id: string) => ["stream", id];
const batchPrefix = (id: string) => ["stream_events", id];
const stopKey = (id: string) => ["stream_stop", id];
/** Stops asked of the answers one instance runs: it looks at its own, not at each answer's. */
const stopsPrefix = (instance: string) => ["stream_stops_for", instance];
const readerKey = (id: string) => ["stream_reader", id];
const activeKey = (sessionId: string, id: string) => ["session_stream", sessionId, id];
/** An answer's lease as instances of an earlier version renew it (and look at it). */
const legacyLeaseKey = (id: string) => ["stream_lease", id];
const handoverPrefix = ["stream_handover"];
const handoverKey = (id: string) => [...handoverPrefix, id];

/**
 * What an instance taking over an answer needs to go on with it: opaque here (the answers layer
 * writes and reads it), and small (the request's inputs and where the answer is kept).
 */
export type HandoverRecipe = Record<string, unknown>;

/** An answer taken over: how to go on, and the events its readers already have. */
export interface TakenOver {
  recipe: HandoverRecipe;
  meta: StreamMeta;
  events: NumberedEvent[];
}

/** The message an instance handing an answer over leaves on the KV queue for the others. */
interface HandoverMessage {
  handover: string;
}

function isHandoverMessage(message: unknown): message is HandoverMessage {
  return typeof message === "object" && message !== null &&
    typeof (message as HandoverMessage).handover === "string";
}

/** How long a handed-over answer waits for another instance to take it up before it counts as orphaned. */
export const HANDOVER_WAIT_MS = 60_000;

export class EventLog {
  /** How many batches were written, and how often the meta was read (for tests and benchmarks). */
  batchesWritten = 0;
  metaReads = 0;

  /**
   * @param runningTtlMs how long a running answer's entries live at most
   * @param instance this instance's heartbeat: an answer lives while the heartbeat of the instance
   *   running it does (it died when it stops)
   */
  constructor(
    private readonly kv: Deno.Kv,
    private readonly runningTtlMs: number,
    readonly instance: InstanceLease,
  ) {}

  /** How long an instance may go without a heartbeat before its answers count as orphaned. */
  get leaseMs(): number {
    return this.instance.leaseMs;
  }

  async meta(id: string): Promise<StreamMeta | undefined> {
    this.metaReads++;
    return (await this.kv.get<StreamMeta>(metaKey(id))).value ?? undefined;
  }

  /**
   * Whether the answer's instance is alive (or one will take it up: handed over a short while ago).
   * `meta`: the answer's, when just read.
   */
  async leaseAlive(id: string, meta?: StreamMeta): Promise<boolean> {
    meta ??= await this.meta(id);
    if (!meta || meta.status !== "running") return false;
    const now = Date.now();
    if (meta.handedOverAt !== undefined) return now - meta.handedOverAt < HANDOVER_WAIT_MS;
    // Just claimed: its instance's first heartbeat may still be on its way.
    if (now - (meta.leasedAt ?? meta.createdAt) < this.leaseMs) return true;
    if (meta.instance === undefined) {
      // Run by an instance of an earlier version (a rolling upgrade): it renews a lease of its own.
      const renewed = (await this.kv.get<number>(legacyLeaseKey(id))).value;
      return renewed !== null && now - renewed < this.leaseMs;
    }
    return (await this.instance.alive([meta.instance])).has(meta.instance);
  }

  /**
   * Ends an answer whose instance died: `events` (an error, then done) go after what was logged,
   * and it is finished. Only one caller wins (the meta must be unchanged and still running); the
   * winner gets the meta it ended, the others undefined.
   */
  async endOrphan(id: string, events: (lastId: number) => NumberedEvent[]): Promise<StreamMeta | undefined> {
    const entry = await this.kv.get<StreamMeta>(metaKey(id));
    const meta = entry.value;
    if (!meta || meta.status !== "running" || await this.leaseAlive(id, meta)) return undefined;
    const closing = events(meta.lastId);
    const lastId = closing.at(-1)?.id ?? meta.lastId;
    const ended: StreamMeta = { ...meta, status: "finished", lastId, orphaned: true };
    const result = await this.kv.atomic()
      .check(entry)
      .set([...batchPrefix(id), lastId], closing, { expireIn: FINISHED_TTL_MS })
      .set(metaKey(id), ended, { expireIn: FINISHED_TTL_MS })
      .delete(activeKey(meta.sessionId, id))
      .delete(handoverKey(id))
      .commit();
    return result.ok ? ended : undefined;
  }

  /**
   * Hands a running answer over (its instance is shutting down): its events are all written, and
   * `recipe` says how to go on. It lives HANDOVER_WAIT_MS without an instance, so that nobody takes
   * it for orphaned meanwhile. False when the meta moved on (the answer was ended elsewhere).
   */
  async handOver(
    id: string,
    meta: StreamMeta,
    versionstamp: string,
    recipe: HandoverRecipe,
  ): Promise<boolean> {
    let base = { meta, versionstamp };
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = Date.now();
      const result = await this.kv.atomic()
        .check({ key: metaKey(id), versionstamp: base.versionstamp })
        .set(metaKey(id), { ...base.meta, handedOverAt: at }, { expireIn: this.runningTtlMs })
        .set(handoverKey(id), recipe, { expireIn: HANDOVER_WAIT_MS })
        .commit();
      if (result.ok) return true;
      // Marked saved meanwhile (the text so far went to history): hand over the meta as it is now.
      const current = await this.metaEntry(id);
      if (!current || current.value.orphaned || current.value.status !== "running") return false;
      base = { meta: current.value, versionstamp: current.versionstamp };
    }
    return false;
  }

  /** Leaves word of a handed-over answer on the KV queue, for another instance (`delayMs` later). */
  async announceHandover(id: string, delayMs = 0): Promise<void> {
    await this.kv.enqueue({ handover: id } satisfies HandoverMessage, { delay: delayMs });
  }

  /** Hears of handed-over answers from the KV queue, for as long as the store is open. */
  listenForHandovers(heard: (id: string) => Promise<void> | void): void {
    this.kv.listenQueue(async (message: unknown) => {
      if (isHandoverMessage(message)) await heard(message.handover);
    }).catch(() => {});
  }

  /** The answers handed over and not yet taken up. */
  async handedOver(): Promise<string[]> {
    const entries = await Array.fromAsync(this.kv.list({ prefix: handoverPrefix }, { limit: 100 }));
    return entries.map((entry) => String(entry.key.at(-1)));
  }

  /**
   * Takes up a handed-over answer: only one caller wins (the meta and the recipe must be unchanged);
   * the winner holds the lease from now and gets the recipe, the meta and the events so far.
   */
  async takeOver(id: string): Promise<TakenOver | undefined> {
    const [meta, recipe] = await this.kv.getMany<[StreamMeta, HandoverRecipe]>([
      metaKey(id),
      handoverKey(id),
    ]);
    if (!meta.value || !recipe.value || meta.value.handedOverAt === undefined || meta.value.orphaned) {
      return undefined;
    }
    const { handedOverAt: _at, ...rest } = meta.value;
    const running: StreamMeta = { ...rest, instance: this.instance.id, leasedAt: Date.now() };
    const result = await this.kv.atomic()
      .check(meta)
      .check(recipe)
      .set(metaKey(id), running, { expireIn: this.runningTtlMs })
      .delete(handoverKey(id))
      .commit();
    if (!result.ok) return undefined;
    return { recipe: recipe.value, meta: running, events: await this.eventsAfter(id, 0) };
  }

  /** Registers a new answer; false when the id is already taken (someone started it first). */
  async create(id: string, meta: Omit<StreamMeta, "status" | "lastId" | "createdAt">): Promise<boolean> {
    const now = Date.now();
    const entry: StreamMeta = {
      ...meta,
      status: "running",
      lastId: 0,
      createdAt: now,
      instance: this.instance.id,
      leasedAt: now,
    };
    const result = await this.kv.atomic()
      .check({ key: metaKey(id), versionstamp: null })
      .set(metaKey(id), entry, { expireIn: this.runningTtlMs })
      // Instances of an earlier version look for a lease renewed lately: one that stays "renewed"
      // for the answer's longest run keeps them from taking it for orphaned during an upgrade.
      .set(legacyLeaseKey(id), now + this.runningTtlMs, { expireIn: this.runningTtlMs })
      .set(activeKey(meta.sessionId, id), {
        answerId: id,
        feature: meta.feature,
        shelf: meta.shelf,
        ...(meta.conversationId ? { conversationId: meta.conversationId } : {}),
      }, {
        expireIn: this.runningTtlMs,
      })
      .commit();
    return result.ok;
  }

  /** The answer's meta with its versionstamp: what its runner's writes are checked against. */
  async metaEntry(id: string): Promise<Deno.KvEntry<StreamMeta> | undefined> {
    this.metaReads++;
    const entry = await this.kv.get<StreamMeta>(metaKey(id));
    return entry.value === null ? undefined : entry as Deno.KvEntry<StreamMeta>;
  }

  /**
   * Appends events (in order, after those already written) and records the last id, in a commit
   * that checks the meta is as its runner last left it (`versionstamp`). When someone else changed
   * it meanwhile: marked saved by the history save, the append goes on against the new meta; ended
   * by an instance that took the answer for orphaned, it throws FencedError, and nothing of this
   * runner's is written after the end readers were given.
   */
  async append(
    id: string,
    meta: StreamMeta,
    events: NumberedEvent[],
    finished: boolean,
    versionstamp: string,
  ): Promise<{ meta: StreamMeta; versionstamp: string }> {
    let base = { meta, versionstamp };
    for (let attempt = 0; attempt < 20; attempt++) {
      const lastId = events.at(-1)?.id ?? base.meta.lastId;
      const next: StreamMeta = { ...base.meta, lastId, status: finished ? "finished" : "running" };
      const ttl = finished ? FINISHED_TTL_MS : this.runningTtlMs;
      const op = this.kv.atomic().check({ key: metaKey(id), versionstamp: base.versionstamp });
      if (events.length > 0) {
        // Keyed by the batch's last id, so the batches holding events after n start at key n + 1.
        op.set([...batchPrefix(id), lastId], events, { expireIn: this.runningTtlMs + FINISHED_TTL_MS });
      }
      op.set(metaKey(id), next, { expireIn: ttl });
      if (finished) op.delete(activeKey(meta.sessionId, id));
      const result = await op.commit();
      if (result.ok) {
        if (events.length > 0) this.batchesWritten++;
        return { meta: next, versionstamp: result.versionstamp };
      }
      const current = await this.metaEntry(id);
      if (!current || current.value.orphaned) throw new FencedError(id);
      base = { meta: { ...current.value, lastId: base.meta.lastId }, versionstamp: current.versionstamp };
    }
    throw new Error(`the answer ${id}'s log kept changing under its runner`);
  }

  /**
   * The fence for saving a resumable answer to history: the save commits only while the answer was
   * not taken for orphaned, and marks it saved in the same commit, so that an orphan's end never
   * takes over an answer already saved.
   */
  fenceFor(id: string): WriteFence {
    return {
      hold: async () => {
        const entry = await this.metaEntry(id);
        return entry && !entry.value.orphaned ? entry : undefined;
      },
      mark: (op, held) => {
        const meta = held.value as StreamMeta;
        const ttl = meta.status === "finished" ? FINISHED_TTL_MS : this.runningTtlMs;
        op.set(metaKey(id), { ...meta, saved: true }, { expireIn: ttl });
      },
    };
  }

  /** Every logged event after `afterId`, in order. */
  async eventsAfter(id: string, afterId: number): Promise<NumberedEvent[]> {
    const events: NumberedEvent[] = [];
    const batches = this.kv.list<NumberedEvent[]>({
      prefix: batchPrefix(id),
      start: [...batchPrefix(id), afterId + 1],
    });
    for await (const batch of batches) {
      for (const event of batch.value) if (event.id > afterId) events.push(event);
    }
    return events;
  }

  /** Releases an id claimed for an answer that was then refused before it began. */
  async forget(id: string): Promise<void> {
    const meta = await this.meta(id);
    await this.kv.atomic().delete(metaKey(id)).delete(activeKey(meta?.sessionId ?? "", id)).commit();
  }

  /**
   * Asks for a Stop: in the mailbox of the instance running the answer (it looks there every poll),
   * and on the answer itself (looked at now and then, and by an instance taking it up).
   */
  async requestStop(id: string, meta?: StreamMeta): Promise<void> {
    meta ??= await this.meta(id);
    const op = this.kv.atomic().set(stopKey(id), true, { expireIn: FINISHED_TTL_MS });
    if (meta?.instance) op.set([...stopsPrefix(meta.instance), id], true, { expireIn: FINISHED_TTL_MS });
    await op.commit();
  }

  /** The answers whose Stop was asked of this instance since it last looked (one listing for them all). */
  async stopsAsked(): Promise<string[]> {
    const asked = await Array.fromAsync(
      this.kv.list({ prefix: stopsPrefix(this.instance.id) }, { limit: 100 }),
    );
    if (asked.length === 0) return [];
    const op = this.kv.atomic();
    for (const entry of asked) op.delete(entry.key);
    await op.commit();
    return asked.map((entry) => String(entry.key.at(-1)));
  }

  async stopRequested(id: string): Promise<boolean> {
    return (await this.kv.get<boolean>(stopKey(id))).value === true;
  }

  /** A reader on another instance says it is still there. */
  async heartbeat(id: string): Promise<void> {
    await this.kv.set(readerKey(id), Date.now(), { expireIn: 60_000 });
  }

  async lastHeartbeat(id: string): Promise<number | undefined> {
    return (await this.kv.get<number>(readerKey(id))).value ?? undefined;
  }

  /** The answers of a session still being generated (to re-attach after a reload). */
  async active(sessionId: string): Promise<ActiveStream[]> {
    const entries = await Array.fromAsync(
      this.kv.list<ActiveStream>({ prefix: ["session_stream", sessionId] }),
    );
    return entries.map((entry) => entry.value);
  }
}
