import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/**
 * The client's address, for per-address limits: the connection's, or behind a trusted proxy
 * (TRUST_PROXY) the last address the proxy added to `X-Forwarded-For` (earlier ones are the
 * client's own word).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((part) => part.trim()).filter(Boolean);
    if (forwarded?.length) return forwarded.at(-1)!;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Whether the request came over https: its URL, or behind a trusted proxy `X-Forwarded-Proto`. */
export function isHttps(request: Request, trustProxy: boolean): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  return trustProxy && request.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
}

/** Whether an address is this machine's own. */
export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address === "::ffff:127.0.0.1";
}
