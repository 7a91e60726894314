/**
 * Page loads are limited like answers: each renders a session's recent history, so a loop of
 * reloads from one browser or one address would take the server from everyone else. A session may
 * load `perMinute` pages a minute and an address (IPv6: its /64) twice that; past it, a short 429
 * page with Retry-After.
 */
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { addressGroup, clientAddress } from "./client_address.ts";
import { RateLimiter } from "./rate_limit.ts";
import { SESSION_COOKIE } from "./session_middleware.ts";

export function pageLimit(
  { perMinute, trustProxy, ipv6PrefixBits = 64 }: {
    perMinute: number;
    trustProxy: boolean;
    ipv6PrefixBits?: number;
  },
) {
  const perSession = new RateLimiter(perMinute);
  const perAddress = new RateLimiter(perMinute * 2);
  return createMiddleware(async (c, next) => {
    const session = getCookie(c, SESSION_COOKIE);
    const address = addressGroup(clientAddress(c, trustProxy), ipv6PrefixBits);
    for (const [limiter, key] of [[perAddress, address], [perSession, session]] as const) {
      if (key === undefined) continue;
      const taken = limiter.take(key);
      if (!taken.ok) {
        return c.html(
          `<!DOCTYPE html><title>Kabotan</title><p>Too many page loads: try again in ${taken.retryAfterSeconds} s.</p>`,
          429,
          { "retry-after": String(taken.retryAfterSeconds) },
        );
      }
    }
    await next();
  });
}
