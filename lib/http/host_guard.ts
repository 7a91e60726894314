/**
 * A server bound to loopback is for this machine: a request naming any other host reached it
 * through DNS rebinding (a site whose name now points at 127.0.0.1), so it is refused, as dev
 * servers do. With PUBLIC_ORIGIN set, its hosts are the ones served instead.
 */
import { jsonError } from "./json_error.ts";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackBinding(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || hostname.startsWith("127.");
}

/** Wraps a handler so that it serves only the hosts this server may be addressed as. */
export function guardHost<I>(
  handler: (request: Request, info: I) => Response | Promise<Response>,
  { hostname, publicOrigins }: { hostname: string; publicOrigins: string[] },
): (request: Request, info: I) => Response | Promise<Response> {
  const allowed = publicOrigins.map((origin) => new URL(origin).hostname);
  if (allowed.length === 0 && !isLoopbackBinding(hostname)) return handler;
  return (request, info) => {
    const host = new URL(request.url).hostname;
    const ok = allowed.length > 0
      ? allowed.includes(host)
      : LOOPBACK_NAMES.has(host) || host.startsWith("127.");
    return ok ? handler(request, info) : jsonError(403, `this server does not answer for the host ${host}`);
  };
}
