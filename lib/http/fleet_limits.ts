/**
 * The limits on starting answers, counted in Deno KV so that every instance sharing the store
 * enforces the configured numbers together: rates per session and per address (a cell rate, GCRA:
 * one timestamp per key), and answers at once per session and per address (leases naming the
 * instance that holds them: they lapse when its heartbeat stops, as a killed one's does). One read
 * of the four keys and one atomic commit per answer, one more to give the slot back; a commit that
 * meets another instance's is retried. Nothing is renewed per slot: the instance's one heartbeat
 * keeps all its slots.
 */
import { ApiError, tooMany } from "./api_error.ts";
import { addressGroup } from "./client_address.ts";
import { Held } from "../held.ts";
import type { InstanceLease } from "../instance_lease.ts";

const WINDOW_MS = 60_000;
const ATTEMPTS = 20;

interface Rate {
  /** When the key's bucket is empty again if nothing more is taken (the theoretical arrival time). */
  tat: number;
}
interface Lease {
  id: string;
  /** The instance holding it: the lease lives while its heartbeat does. */
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

export class FleetLimits {
  readonly #v6Bits: number;

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
    const id = crypto.randomUUID();
    // Held from now: the heartbeat runs before the slot is visible to anyone.
    const alive = this.instance.hold();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.now();
      const entries = await this.kv.getMany<Array<Rate | Running>>([...rates, ...caps].map(([key]) => key));
      const holders = await this.instance.alive(
        entries.slice(rates.length).flatMap((entry) => (entry.value as Running | null)?.leases ?? [])
          .map((lease) => lease.instance),
      );
      const atomic = this.kv.atomic();
      for (const entry of entries) atomic.check(entry);
      rates.forEach(([key, perMinute], i) => {
        const interval = WINDOW_MS / perMinute;
        const tat = Math.max((entries[i].value as Rate | null)?.tat ?? now, now) + interval;
        if (tat - now > WINDOW_MS) {
          alive[Symbol.dispose]();
          const seconds = Math.max(1, Math.ceil((tat - WINDOW_MS - now) / 1000));
          throw tooMany("requests", seconds);
        }
        atomic.set(key, { tat } satisfies Rate, { expireIn: Math.ceil(tat - now) + 1000 });
      });
      caps.forEach(([key, max], i) => {
        const live = this.#live(entries[rates.length + i].value as Running | null, now, holders);
        if (live.length >= max && !running) {
          alive[Symbol.dispose]();
          throw new ApiError(429, "too many answers at once: wait for one to finish, or stop it", {
            code: "too_many_answers",
            headers: { "retry-after": "5" },
          });
        }
        live.push({ id, instance: this.instance.id, at: now, until: now + this.#maxHoldMs });
        atomic.set(key, { leases: live } satisfies Running, { expireIn: this.#maxHoldMs });
      });
      if ((await atomic.commit()).ok) return this.#held(id, caps.map(([key]) => key), alive);
      await pause(attempt);
    }
    alive[Symbol.dispose]();
    throw new ApiError(503, "the limits store is busy: try again", {
      code: "busy",
      headers: { "retry-after": "1" },
    });
  }

  get #maxHoldMs(): number {
    return this.options.maxHoldMs ?? 60 * 60 * 1000;
  }

  /** The leases still held: taken within a lease's length, or by an instance alive now; none past its end. */
  #live(running: Running | null, now: number, holders: Set<string>): Lease[] {
    return (running?.leases ?? []).filter((lease) =>
      lease.until > now && (now - lease.at < this.instance.leaseMs || holders.has(lease.instance))
    );
  }

  /** The slot: kept by the instance's heartbeat while held, given back when released. */
  #held(id: string, keys: Deno.KvKey[], alive: Disposable): Held {
    if (keys.length === 0) {
      alive[Symbol.dispose]();
      return new Held(() => {});
    }
    return new Held(() => {
      void this.#release(id, keys).catch(() => {
        // It lapses on its own once this instance's heartbeat stops, or at its end.
      }).finally(() => alive[Symbol.dispose]());
    });
  }

  async #release(id: string, keys: Deno.KvKey[]): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.now();
      const entries = await this.kv.getMany<Running[]>(keys);
      const holders = await this.instance.alive(
        entries.flatMap((entry) => entry.value?.leases ?? []).map((lease) => lease.instance),
      );
      const atomic = this.kv.atomic();
      entries.forEach((entry, i) => {
        atomic.check(entry);
        const leases = this.#live(entry.value, now, holders).filter((lease) => lease.id !== id);
        if (leases.length === 0) atomic.delete(keys[i]);
        else atomic.set(keys[i], { leases } satisfies Running, { expireIn: this.#maxHoldMs });
      });
      if ((await atomic.commit()).ok) return;
      await pause(attempt);
    }
  }
}

/** A short, growing, jittered wait before trying a commit again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}
