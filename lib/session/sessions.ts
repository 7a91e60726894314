import type { Language } from "../shared/contract.ts";

/** What the server remembers about one browser. */
export interface Session {
  id: string;
  language?: Language;
  /** When the record's expiry was last pushed back (ms since epoch). */
  touchedAt: number;
}

export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
/** A session's expiry is pushed back at most this often, to keep KV writes rare. */
const TOUCH_EVERY_MS = 10 * 60 * 1000;

const key = (id: string) => ["session", id];

/** An opaque id: 256 random bits, base64url. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  constructor(private readonly kv: Deno.Kv, private readonly now: () => number = Date.now) {}

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
    const session: Session = { ...fields, id, touchedAt: this.now() };
    await this.kv.set(key(session.id), session, { expireIn: SESSION_TTL_MS });
    return session;
  }

  /** Pushes the 24 h expiry back (sliding), at most every few minutes. */
  async touch(session: Session): Promise<Session> {
    if (this.now() - session.touchedAt < TOUCH_EVERY_MS) return session;
    return await this.save({ ...session });
  }

  async save(session: Session): Promise<Session> {
    const saved = { ...session, touchedAt: this.now() };
    await this.kv.set(key(session.id), saved, { expireIn: SESSION_TTL_MS });
    return saved;
  }
}
