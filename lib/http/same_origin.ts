import { createMiddleware } from "hono/factory";
import { isHttps } from "./client_address.ts";
import { jsonError } from "./json_error.ts";

/** Reads under /api/ that may run on any site's behalf: they start nothing and tell nothing private. */
const OPEN_TO_ALL = new Set(["/api/health"]);

export interface SameOriginOptions {
  /** Trust `X-Forwarded-Proto` (behind a proxy that sets it). */
  trustProxy: boolean;
  /** The origins the site is served from (PUBLIC_ORIGIN); when set, `Host` is not trusted. */
  publicOrigins: string[];
}

/**
 * CSRF protection for the API: a browser says where a request comes from (Origin, or
 * Sec-Fetch-Site), and it must be this site — for every method, since a GET of a `-stream` URL
 * starts an answer and stores it in the visitor's history. Clients that are not browsers send
 * neither, and are not at risk of being made to send a request they did not mean.
 */
export function sameOrigin({ trustProxy, publicOrigins }: SameOriginOptions) {
  return createMiddleware(async (c, next) => {
    if (
      !OPEN_TO_ALL.has(new URL(c.req.url).pathname) && fromAnotherSite(c.req.raw, trustProxy, publicOrigins)
    ) {
      return jsonError(403, "cross-site requests are not allowed");
    }
    await next();
  });
}

function fromAnotherSite(request: Request, trustProxy: boolean, publicOrigins: string[]): boolean {
  const site = request.headers.get("sec-fetch-site");
  // "same-site" is a sibling host (another subdomain): not this site either.
  if (site === "cross-site" || site === "same-site") return true;
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  return !ownOrigins(request, trustProxy, publicOrigins).includes(origin);
}

/** This site's origins: the configured ones, else the one the request was addressed to. */
function ownOrigins(request: Request, trustProxy: boolean, publicOrigins: string[]): string[] {
  if (publicOrigins.length > 0) return publicOrigins;
  const own = new URL(request.url).origin;
  return isHttps(request, trustProxy) ? [own, own.replace(/^http:/, "https:")] : [own];
}
