import { createMiddleware } from "hono/factory";
import { jsonError } from "./json_error.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection for state-changing requests: a browser always says where a request comes from
 * (Origin, or Sec-Fetch-Site), and it must be this site. Clients that are not browsers send
 * neither, and are not at risk of being made to send a request they did not mean.
 */
export function sameOrigin() {
  return createMiddleware(async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      const site = c.req.header("sec-fetch-site");
      const own = new URL(c.req.url).origin;
      const forwarded = c.req.header("x-forwarded-proto") === "https" ? own.replace(/^http:/, "https:") : own;
      if (origin !== undefined && origin !== own && origin !== forwarded) {
        return jsonError(403, "cross-site requests are not allowed");
      }
      if (site === "cross-site") return jsonError(403, "cross-site requests are not allowed");
    }
    await next();
  });
}
