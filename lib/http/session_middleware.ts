import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { tooMany } from "./api_error.ts";
import { addressGroup, clientAddress, isHttps } from "./client_address.ts";
import { RateLimiter } from "./rate_limit.ts";
import { newSessionId, type Session, type SessionStore } from "../session/sessions.ts";

export const SESSION_COOKIE = "kabotan_session";

/** Per-request access to the browser's session; created only when something must be stored. */
export interface SessionAccess {
  /** The current session, if the browser has one. */
  current(): Session | undefined;
  /**
   * The id this browser's session has, or will have once `ensure` creates it: limits can count a
   * first request against its session before anything is written.
   */
  id(): string;
  /** The current session, creating it (and its cookie) when there is none. */
  ensure(): Promise<Session>;
  /**
   * The session's id at once, its record written meanwhile (`written`): an answer's first writes
   * can go alongside the model request instead of after the session's. Refuses (429) a new
   * session over the address's limit before anything is written, as `ensure` does.
   */
  begin(): { id: string; written: Promise<Session> };
  /** Saves changed fields of the session. */
  update(fields: Partial<Omit<Session, "id" | "touchedAt">>): Promise<Session>;
}

export type SessionVariables = { sessionAccess: SessionAccess };

/** Reads the session cookie, keeps the session's expiry (HISTORY_DAYS) sliding, and offers SessionAccess. */
export function sessionMiddleware(
  store: SessionStore,
  { trustProxy, createPerIpPerMinute, ipv6PrefixBits = 64 }: {
    trustProxy: boolean;
    createPerIpPerMinute: number;
    /** IPv6 addresses count by this prefix (see addressGroup). */
    ipv6PrefixBits?: number;
  },
) {
  // Each session is a KV write: one address may start only so many a minute.
  const creations = new RateLimiter(createPerIpPerMinute);
  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    let session = await store.get(getCookie(c, SESSION_COOKIE));
    // Written after the route ran, so it lands on whatever response the route built (even a raw one).
    let cookieFor: string | undefined;
    if (session) {
      const touched = await store.touch(session);
      if (touched !== session) cookieFor = touched.id;
      session = touched;
    }
    let reserved: string | undefined;
    let creating: Promise<Session> | undefined;
    c.set("sessionAccess", {
      current: () => session,
      id: () => session?.id ?? (reserved ??= newSessionId()),
      ensure() {
        return this.begin().written;
      },
      begin() {
        if (session) return { id: session.id, written: Promise.resolve(session) };
        if (!creating) {
          const taken = creations.take(addressGroup(clientAddress(c, trustProxy), ipv6PrefixBits));
          if (!taken.ok) throw tooMany("new sessions", taken.retryAfterSeconds);
          const id = (reserved ??= newSessionId());
          cookieFor = id;
          creating = store.create({}, id).then((created) => (session = created));
          creating.catch(() => {}); // whoever waits for it hears of a failure
        }
        return { id: reserved!, written: creating };
      },
      async update(fields) {
        const base = session ?? await this.ensure();
        session = await store.save({ ...base, ...fields });
        return session;
      },
    });
    await next();
    if (cookieFor) {
      setCookie(c, SESSION_COOKIE, cookieFor, {
        path: "/",
        httpOnly: true,
        sameSite: "Lax",
        secure: isHttps(c.req.raw, trustProxy),
        maxAge: Math.round(store.ttlMs / 1000),
      });
    }
  });
}
