/**
 * The limits on starting answers, counted in Deno KV so that every instance sharing the store
 * enforces the configured numbers together: rates per session and per address (a cell rate, GCRA:
 * one timestamp per key), and answers at once per session and per address (leases naming the
 * instance that holds them: they lapse when its heartbeat stops, as a killed one's does).
 *
 * Every answer from one address touches that address's keys, so an instance does not commit each
 * take on its own (a burst from one address would have them all conflict, and fail): takes and
 * releases wait in one queue, and each commit decides a batch of them in order against one read
 * of their keys. Commits then meet only other instances', and are retried with jitter. Nothing is
 * renewed per slot: the instance's one heartbeat keeps all its slots.
 */
import { ApiError, tooMany } from "./api_error.ts";
import { addressGroup } from "./client_address.ts";
import { Held } from "../held.ts";
import { type InstanceLease, shortId } from "../instance_lease.ts";

const WINDOW_MS = 60_000;
const ATTEMPTS = 20;
/** Keys one commit may check (Deno KV allows 100) and read (getMany takes 10 at a time). */
const KEYS_PER_COMMIT = 90;
const KEYS_PER_READ = 10;

interface Rate {
  /** When the key's bucket is empty again if nothing more is taken (the theoretical arrival time). */
  tat: number;
}
interface Lease {
  id: string;
  /** The instance holding it: the lease lives while its heartbeat does (none: an earlier version's). */
  instance: string;
  /** Taken then: it lives a lease's length whatever the heartbeat (the first beat may be on its way). */
  at: number;
  /** It lapses then whatever the heartbeat: no answer runs longer. */
  until: number;
}
interface Running {
  leases: Lease[];
}

export interface FleetLimitOptions {
  perSessionPerMinute: number;
  perIpPerMinute: number;
  concurrentPerSession: number;
  concurrentPerIp: number;
  /** IPv6 addresses count by this prefix (see addressGroup). */
  ipv6PrefixBits?: number;
  /** The longest a slot may be held (an answer's longest run): it lapses then, whatever the heartbeat. */
  maxHoldMs?: number;
}

/** One take or release waiting for the next commit. */
interface Pending {
  id: string;
  release: boolean;
  /** A take that holds a slot whatever the caps (an answer taken up from another instance). */
  running?: boolean;
  rates: Array<[Deno.KvKey, number]>;
  caps: Array<[Deno.KvKey, number]>;
  /** Resolves with the refusal, or undefined when done. */
  settle(refusal?: ApiError): void;
}

export class FleetLimits {
  readonly #v6Bits: number;
  #queue: Pending[] = [];
  #committing = false;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly options: FleetLimitOptions,
    /** This instance's heartbeat, which its slots live by (and how others' are told alive). */
    private readonly instance: InstanceLease,
    private readonly now: () => number = Date.now,
  ) {
    this.#v6Bits = options.ipv6PrefixBits ?? 64;
  }

  /**
   * A slot for a new answer, held until the answer ends (`using`, or handed over to the answer);
   * throws a 429 ApiError, with Retry-After, when a rate or a cap says no. `running`: the answer
   * runs already (taken up from an instance that shut down): it holds a slot, counted by no rate
   * and refused by no cap.
   */
  async take(
    session: string | undefined,
    address: string,
    { running = false }: { running?: boolean } = {},
  ): Promise<Held> {
    const ip = addressGroup(address, this.#v6Bits);
    const o = this.options;
    const rates: Array<[Deno.KvKey, number]> = [];
    if (!running && o.perIpPerMinute > 0) rates.push([["limit", "rate", "ip", ip], o.perIpPerMinute]);
    if (!running && session !== undefined && o.perSessionPerMinute > 0) {
      rates.push([["limit", "rate", "session", session], o.perSessionPerMinute]);
    }
    const caps: Array<[Deno.KvKey, number]> = [];
    if (o.concurrentPerSession > 0) {
      caps.push([["limit", "running", "session", session ?? `ip:${ip}`], o.concurrentPerSession]);
    }
    if (o.concurrentPerIp > 0) caps.push([["limit", "running", "ip", ip], o.concurrentPerIp]);
    if (rates.length === 0 && caps.length === 0) return new Held(() => {});
    const id = shortId();
    // Held from now: the heartbeat runs before the slot is visible to anyone.
    const alive = this.instance.hold();
    const refusal = await this.#enqueue({ id, release: false, running, rates, caps });
    if (refusal) {
      alive[Symbol.dispose]();
      throw refusal;
    }
    if (caps.length === 0) {
      alive[Symbol.dispose]();
      return new Held(() => {});
    }
    return new Held(() => {
      void this.#enqueue({ id, release: true, rates: [], caps })
        .finally(() => alive[Symbol.dispose]());
    });
  }

  #enqueue(pending: Omit<Pending, "settle">): Promise<ApiError | undefined> {
    return new Promise((resolve) => {
      this.#queue.push({ ...pending, settle: resolve });
      void this.#commitQueued();
    });
  }

  /** Commits what waits, a batch at a time, one commit in flight per instance. */
  async #commitQueued(): Promise<void> {
    if (this.#committing) return;
    this.#committing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#nextBatch();
        const refusals = await this.#commit(batch).catch(() => undefined);
        batch.forEach((pending, i) =>
          pending.settle(
            refusals ? refusals[i] : pending.release ? undefined : new ApiError(
              503,
              "the limits store is busy: try again",
              { code: "busy", headers: { "retry-after": "1" } },
            ),
          )
        );
      }
    } finally {
      this.#committing = false;
    }
  }

  /** The queue's first entries whose keys one commit can hold. */
  #nextBatch(): Pending[] {
    const keys = new Set<string>();
    let count = 0;
    for (const pending of this.#queue) {
      const mine = [...pending.rates, ...pending.caps].map(([key]) => JSON.stringify(key));
      const added = mine.filter((key) => !keys.has(key));
      if (count > 0 && keys.size + added.length > KEYS_PER_COMMIT) break;
      for (const key of added) keys.add(key);
      count++;
    }
    return this.#queue.splice(0, count);
  }

  /**
   * Decides a batch in order against one read of its keys and commits what it changes; answers each
   * one's refusal (or undefined). Undefined overall when the store stayed busy.
   */
  async #commit(batch: Pending[]): Promise<Array<ApiError | undefined> | undefined> {
    const keyed = new Map<string, Deno.KvKey>();
    for (const pending of batch) {
      for (const [key] of [...pending.rates, ...pending.caps]) keyed.set(JSON.stringify(key), key);
    }
    const keys = [...keyed.values()];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.now();
      const entries = (await Promise.all(
        chunks(keys, KEYS_PER_READ).map((part) => this.kv.getMany<Array<Rate | Running>>(part)),
      )).flat();
      const holders = await this.instance.alive(
        entries.flatMap((entry) => (entry.value as Running | null)?.leases ?? []).map((lease) =>
          lease.instance
        ),
      );
      const values = new Map<string, Rate | Running | null>();
      entries.forEach((entry) => values.set(JSON.stringify(entry.key), entry.value));
      const changed = new Set<string>();
      const refusals = batch.map((pending) => this.#decide(pending, values, changed, now, holders));
      const atomic = this.kv.atomic();
      for (const entry of entries) atomic.check(entry);
      for (const key of changed) {
        const value = values.get(key);
        const kvKey = keyed.get(key)!;
        if (value === null || value === undefined) atomic.delete(kvKey);
        else if ("tat" in value) atomic.set(kvKey, value, { expireIn: Math.ceil(value.tat - now) + 1000 });
        else atomic.set(kvKey, value, { expireIn: this.#maxHoldMs });
      }
      if ((await atomic.commit()).ok) return refusals;
      await pause(attempt);
    }
    return undefined;
  }

  /** One take or release against the batch's values so far (changing them): its refusal, if any. */
  #decide(
    pending: Pending,
    values: Map<string, Rate | Running | null>,
    changed: Set<string>,
    now: number,
    holders: Set<string>,
  ): ApiError | undefined {
    const running = (key: Deno.KvKey) =>
      this.#live(values.get(JSON.stringify(key)) as Running | null, now, holders);
    if (pending.release) {
      for (const [key] of pending.caps) {
        const leases = running(key).filter((lease) => lease.id !== pending.id);
        values.set(JSON.stringify(key), leases.length > 0 ? { leases } : null);
        changed.add(JSON.stringify(key));
      }
      return undefined;
    }
    const tats: number[] = [];
    for (const [key, perMinute] of pending.rates) {
      const tat = Math.max((values.get(JSON.stringify(key)) as Rate | null)?.tat ?? now, now) +
        WINDOW_MS / perMinute;
      if (tat - now > WINDOW_MS) {
        return tooMany("requests", Math.max(1, Math.ceil((tat - WINDOW_MS - now) / 1000)));
      }
      tats.push(tat);
    }
    const live = pending.caps.map(([key]) => running(key));
    if (!pending.running && pending.caps.some(([, max], i) => live[i].length >= max)) {
      return new ApiError(429, "too many answers at once: wait for one to finish, or stop it", {
        code: "too_many_answers",
        headers: { "retry-after": "5" },
      });
    }
    pending.rates.forEach(([key], i) => {
      values.set(JSON.stringify(key), { tat: tats[i] });
      changed.add(JSON.stringify(key));
    });
    const lease: Lease = {
      id: pending.id,
      instance: this.instance.id,
      at: now,
      until: now + this.#maxHoldMs,
    };
    pending.caps.forEach(([key], i) => {
      values.set(JSON.stringify(key), { leases: [...live[i], lease] });
      changed.add(JSON.stringify(key));
    });
    return undefined;
  }

  get #maxHoldMs(): number {
    return this.options.maxHoldMs ?? 60 * 60 * 1000;
  }

  /** The leases still held: taken within a lease's length, or by an instance alive now; none past its end. */
  #live(running: Running | null, now: number, holders: Set<string>): Lease[] {
    return (running?.leases ?? []).filter((lease) =>
      lease.until > now &&
      // A lease of an earlier version names no instance: its holder renews its end instead.
      (lease.instance === undefined || now - lease.at < this.instance.leaseMs || holders.has(lease.instance))
    );
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

/** A short, growing, jittered wait before trying a commit again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}
