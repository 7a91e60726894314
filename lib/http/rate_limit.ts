import { ApiError } from "./api_error.ts";
import { addressGroup } from "./client_address.ts";
import { Held } from "../held.ts";
/**
 * Token buckets in memory, one per key (a session, an IP): `perMinute` requests a minute, in
 * bursts of up to that many. Each instance counts its own requests.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Takes one token; when none is left, says how many seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (this.perMinute <= 0) return { ok: true };
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 10_000) this.#prune(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }

  /** Forgets buckets that have filled up again: they behave like new ones. */
  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000) >= this.perMinute) {
        this.#buckets.delete(key);
      }
    }
  }
}

/** Counts what is running per key, with a cap. */
export class ConcurrencyLimit {
  readonly #running = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot, or returns undefined when the key is at its cap; call the result to give it back. */
  enter(key: string): (() => void) | undefined {
    const running = this.#running.get(key) ?? 0;
    if (this.max > 0 && running >= this.max) return undefined;
    this.#running.set(key, running + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const now = (this.#running.get(key) ?? 1) - 1;
      if (now <= 0) this.#running.delete(key);
      else this.#running.set(key, now);
    };
  }
}

export interface AnswerLimitOptions {
  perSessionPerMinute: number;
  perIpPerMinute: number;
  concurrentPerSession: number;
  concurrentPerIp: number;
  /** IPv6 addresses count by this prefix (see addressGroup). */
  ipv6PrefixBits?: number;
}

/** The limits on starting answers: per session and per IP rates, and answers at once per session. */
export class AnswerLimits {
  readonly #session: RateLimiter;
  readonly #ip: RateLimiter;
  readonly #running: ConcurrencyLimit;
  readonly #runningPerIp: ConcurrencyLimit;
  readonly #v6Bits: number;

  constructor(options: AnswerLimitOptions) {
    this.#v6Bits = options.ipv6PrefixBits ?? 64;
    this.#session = new RateLimiter(options.perSessionPerMinute);
    this.#ip = new RateLimiter(options.perIpPerMinute);
    this.#running = new ConcurrencyLimit(options.concurrentPerSession);
    this.#runningPerIp = new ConcurrencyLimit(options.concurrentPerIp);
  }

  /**
   * A slot for a new answer, held until the answer ends (`using`, or handed over to the answer);
   * throws a 429 ApiError, with Retry-After, when a rate or the cap says no.
   */
  take(session: string | undefined, address: string): Held {
    const ip = addressGroup(address, this.#v6Bits);
    for (const [limiter, key] of [[this.#ip, ip], [this.#session, session]] as const) {
      if (key === undefined) continue;
      const taken = limiter.take(key);
      if (!taken.ok) {
        throw new ApiError(429, `too many requests: try again in ${taken.retryAfterSeconds} s`, {
          code: "too_many_requests",
          headers: { "retry-after": String(taken.retryAfterSeconds) },
        });
      }
    }
    const releaseSession = this.#running.enter(session ?? `ip:${ip}`);
    const releaseIp = releaseSession && this.#runningPerIp.enter(ip);
    if (!releaseSession || !releaseIp) {
      releaseSession?.();
      throw new ApiError(429, "too many answers at once: wait for one to finish, or stop it", {
        code: "too_many_answers",
        headers: { "retry-after": "5" },
      });
    }
    return new Held(() => {
      releaseSession();
      releaseIp();
    });
  }
}
