/**
 * The limits on starting answers, counted in Deno KV so that every instance sharing the store
 * enforces the configured numbers together: rates per session and per address (a cell rate, GCRA:
 * one timestamp per key), and answers at once per session and per address (leases that lapse
 * when the instance holding them stops renewing, as a killed one does). One read of the four
 * keys and one atomic commit per answer; a commit that meets another instance's is retried.
 */
import { ApiError, tooMany } from "./api_error.ts";
import { addressGroup } from "./client_address.ts";
import { Held } from "../held.ts";

const WINDOW_MS = 60_000;
const ATTEMPTS = 20;

interface Rate {
  /** When the key's bucket is empty again if nothing more is taken (the theoretical arrival time). */
  tat: number;
}
interface Running {
  leases: Array<{ id: string; until: number }>;
}

export interface FleetLimitOptions {
  perSessionPerMinute: number;
  perIpPerMinute: number;
  concurrentPerSession: number;
  concurrentPerIp: number;
  /** IPv6 addresses count by this prefix (see addressGroup). */
  ipv6PrefixBits?: number;
  /** How long a slot outlives its instance's last renewal (renewed every third of it). */
  leaseMs: number;
}

export class FleetLimits {
  readonly #v6Bits: number;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly options: FleetLimitOptions,
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
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.now();
      const entries = await this.kv.getMany<Array<Rate | Running>>([...rates, ...caps].map(([key]) => key));
      const atomic = this.kv.atomic();
      for (const entry of entries) atomic.check(entry);
      rates.forEach(([key, perMinute], i) => {
        const interval = WINDOW_MS / perMinute;
        const tat = Math.max((entries[i].value as Rate | null)?.tat ?? now, now) + interval;
        if (tat - now > WINDOW_MS) {
          const seconds = Math.max(1, Math.ceil((tat - WINDOW_MS - now) / 1000));
          throw tooMany("requests", seconds);
        }
        atomic.set(key, { tat } satisfies Rate, { expireIn: Math.ceil(tat - now) + 1000 });
      });
      caps.forEach(([key, max], i) => {
        const live = liveLeases(entries[rates.length + i].value as Running | null, now);
        if (live.length >= max && !running) {
          throw new ApiError(429, "too many answers at once: wait for one to finish, or stop it", {
            code: "too_many_answers",
            headers: { "retry-after": "5" },
          });
        }
        live.push({ id, until: now + o.leaseMs });
        atomic.set(key, { leases: live } satisfies Running, { expireIn: o.leaseMs * 2 });
      });
      if ((await atomic.commit()).ok) return this.#held(id, caps.map(([key]) => key));
      await pause(attempt);
    }
    throw new ApiError(503, "the limits store is busy: try again", {
      code: "busy",
      headers: { "retry-after": "1" },
    });
  }

  /** The slot: renewed while it is held, given back when released. */
  #held(id: string, keys: Deno.KvKey[]): Held {
    if (keys.length === 0) return new Held(() => {});
    const renewal = setInterval(
      () => void this.#update(id, keys, "renew").catch(() => {}),
      this.options.leaseMs / 3,
    );
    Deno.unrefTimer(renewal);
    return new Held(() => {
      clearInterval(renewal);
      void this.#update(id, keys, "release").catch(() => {
        // It lapses on its own within a lease.
      });
    });
  }

  async #update(id: string, keys: Deno.KvKey[], change: "renew" | "release"): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.now();
      const entries = await this.kv.getMany<Running[]>(keys);
      const atomic = this.kv.atomic();
      entries.forEach((entry, i) => {
        atomic.check(entry);
        const leases = liveLeases(entry.value, now)
          .filter((lease) => change === "renew" || lease.id !== id)
          .map((lease) => lease.id === id ? { id, until: now + this.options.leaseMs } : lease);
        if (leases.length === 0) atomic.delete(keys[i]);
        else atomic.set(keys[i], { leases } satisfies Running, { expireIn: this.options.leaseMs * 2 });
      });
      if ((await atomic.commit()).ok) return;
      await pause(attempt);
    }
  }
}

function liveLeases(running: Running | null, now: number): Running["leases"] {
  return (running?.leases ?? []).filter((lease) => lease.until > now);
}

/** A short, growing, jittered wait before trying a commit again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}
