import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { newSessionId, type Session, SESSION_TTL_MS, type SessionStore } from "./sessions.ts";

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
  /** Saves changed fields of the session. */
  update(fields: Partial<Omit<Session, "id" | "touchedAt">>): Promise<Session>;
}

export type SessionVariables = { session: SessionAccess };

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

/** Reads the session cookie, keeps the session's 24 h expiry sliding, and offers SessionAccess. */
export function sessionMiddleware(store: SessionStore) {
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
    c.set("session", {
      current: () => session,
      id: () => session?.id ?? (reserved ??= newSessionId()),
      async ensure() {
        if (!session) {
          session = await store.create({}, reserved);
          cookieFor = session.id;
        }
        return session;
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
        secure: isHttps(c.req.raw),
        maxAge: SESSION_TTL_MS / 1000,
      });
    }
  });
}
