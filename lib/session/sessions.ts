import type { Language } from "../shared/contract.ts";

/** What the server remembers about one browser. */
export interface Session {
  id: string;
  language?: Language;
  /** When the record's expiry was last pushed back (ms since epoch). */
  touchedAt: number;
  /** When it lapses unless the browser comes back (ms since epoch): the sweeper's index names it. */
  expiresAt?: number;
}

/** HISTORY_DAYS' default: a session, and everything it keeps, lasts 30 days after the last visit. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A session's expiry is pushed back at most this often, to keep KV writes rare. */
const TOUCH_EVERY_MS = 10 * 60 * 1000;

const key = (id: string) => ["session", id];
/** The sweeper's index: sessions by when they lapse (`history_sweeper.ts`). */
export const expiryKey = (expiresAt: number, id: string) => ["history_expiry", expiresAt, id];

/** An opaque id: 256 random bits, base64url. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  constructor(
    private readonly kv: Deno.Kv,
    private readonly now: () => number = Date.now,
    /** How long a session lasts after its last visit (HISTORY_DAYS). */
    readonly ttlMs = SESSION_TTL_MS,
  ) {}

  /** The session with this id, if the id is well-formed and the session has not expired. */
  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id || !ID_SHAPE.test(id)) return undefined;
    const entry = await this.kv.get<Session>(key(id));
    return entry.value ?? undefined;
  }

  async create(
    fields: Partial<Omit<Session, "id" | "touchedAt">> = {},
    id = newSessionId(),
  ): Promise<Session> {
    return await this.save({ ...fields, id, touchedAt: this.now() });
  }

  /** Pushes the expiry back (sliding), at most every few minutes. */
  async touch(session: Session): Promise<Session> {
    if (this.now() - session.touchedAt < TOUCH_EVERY_MS) return session;
    return await this.save({ ...session });
  }

  /**
   * Writes the session with its expiry pushed back, and moves its entry in the sweeper's index
   * along in the same commit: when the record lapses, the sweeper finds it and deletes what the
   * session kept.
   */
  async save(session: Session): Promise<Session> {
    const now = this.now();
    const saved: Session = { ...session, touchedAt: now, expiresAt: now + this.ttlMs };
    const op = this.kv.atomic()
      .set(key(session.id), saved, { expireIn: this.ttlMs })
      .set(expiryKey(saved.expiresAt!, session.id), true);
    if (session.expiresAt && session.expiresAt !== saved.expiresAt) {
      op.delete(expiryKey(session.expiresAt, session.id));
    }
    await op.commit();
    return saved;
  }
}
