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

/**
 * The group an address's limits count against: an IPv4 address itself, an IPv6 address by its
 * first `v6PrefixBits` bits (a /64 by default: one subscriber holds a whole /64, and could
 * otherwise multiply every per-address cap by 2^64). IPv4-mapped IPv6 counts as IPv4.
 */
export function addressGroup(address: string, v6PrefixBits = 64): string {
  if (!address.includes(":")) return address;
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1];
  const groups = expandIpv6(address.split("%")[0]);
  if (!groups) return address;
  const kept: string[] = [];
  for (let bit = 0; bit < 128; bit += 16) {
    const take = Math.max(0, Math.min(16, v6PrefixBits - bit));
    const value = take === 0 ? 0 : groups[bit / 16] & (0xffff << (16 - take)) & 0xffff;
    kept.push(value.toString(16));
  }
  return `${kept.join(":")}/${v6PrefixBits}`;
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function expandIpv6(address: string): number[] | undefined {
  const [head, tail, ...rest] = address.split("::");
  if (rest.length > 0) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  let left = parse(head);
  let right = parse(tail);
  // A trailing IPv4 part (::ffff:1.2.3.4 style inside a longer address) is two groups.
  const last = (tail === undefined ? left : right).at(-1);
  if (last?.includes(".")) {
    const octets = last.split(".").map(Number);
    if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return undefined;
    const pair = [((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16)];
    if (tail === undefined) left = [...left.slice(0, -1), ...pair];
    else right = [...right.slice(0, -1), ...pair];
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return all.map((group) => parseInt(group, 16));
}
