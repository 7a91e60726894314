/**
 * This process's heartbeat in Deno KV: one key, renewed every third of the lease while the process
 * holds anything that lives by it (answers it runs, slots under the limits). Those things name the
 * instance instead of renewing leases of their own, so a busy instance writes one renewal a period,
 * not one per answer; when the process dies its heartbeat stops, and everything naming it lapses.
 */
const key = (id: string) => ["instance", id];

export class InstanceLease {
  /** 48 random bits: short, since every slot and answer names it. */
  readonly id = shortId();
  #holds = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastBeat = 0;
  /** Other instances seen alive, and when (a death is noticed at most a third of a lease late). */
  readonly #seenAlive = new Map<string, number>();

  constructor(
    private readonly kv: Deno.Kv,
    readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Something that lives by this instance's heartbeat, held until disposed: the heartbeat runs while
   * anything is held.
   */
  hold(): Disposable {
    if (this.#holds++ === 0) {
      if (this.now() - this.#lastBeat > this.leaseMs / 3) void this.#beat();
      this.#timer = setInterval(() => void this.#beat(), this.leaseMs / 3);
      Deno.unrefTimer(this.#timer);
    }
    let released = false;
    return {
      [Symbol.dispose]: () => {
        if (released) return;
        released = true;
        if (--this.#holds === 0) {
          clearInterval(this.#timer);
          this.#timer = undefined;
        }
      },
    };
  }

  /** Which of these instances are alive: this one while it holds anything, others by their heartbeat. */
  async alive(ids: Iterable<string>): Promise<Set<string>> {
    const now = this.now();
    const alive = new Set<string>();
    const unknown: string[] = [];
    for (const id of new Set(ids)) {
      if (typeof id !== "string") continue; // a record of an earlier version names no instance
      if (
        id === this.id ? this.#holds > 0 : now - (this.#seenAlive.get(id) ?? -Infinity) < this.leaseMs / 3
      ) {
        alive.add(id);
      } else if (id !== this.id) unknown.push(id);
    }
    for (let i = 0; i < unknown.length; i += 10) {
      const batch = unknown.slice(i, i + 10);
      const beats = await this.kv.getMany<number[]>(batch.map(key));
      beats.forEach((beat, j) => {
        const id = batch[j];
        if (beat.value !== null && now - beat.value < this.leaseMs) {
          alive.add(id);
          this.#seenAlive.set(id, now);
        } else this.#seenAlive.delete(id);
      });
    }
    return alive;
  }

  async #beat(): Promise<void> {
    const now = this.now();
    this.#lastBeat = now;
    await this.kv.set(key(this.id), now, { expireIn: this.leaseMs * 4 }).catch(() => {
      // Tried again at the next beat; a lease outlives two missed beats.
    });
  }
}

/** 12 hex digits of randomness: ids that many records carry, unique enough among live instances and slots. */
export function shortId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}
