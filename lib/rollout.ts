/**
 * Gradual rollout of streaming: a stable hash of the session id puts each session in one of 100
 * buckets; sessions in the first `percent` buckets stream. A browser can override it for itself.
 */

export type StreamingOverride = "on" | "off";

export const STREAMING_COOKIE = "kabotan_streaming";

/** FNV-1a, 32 bits: fast, stable across instances and restarts, well spread for random ids. */
export function bucketOf(sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

export function streamsFor(
  percent: number,
  sessionId: string | undefined,
  override?: StreamingOverride,
): boolean {
  if (override) return override === "on";
  if (percent >= 100) return true;
  if (percent <= 0 || sessionId === undefined) return false;
  return bucketOf(sessionId) < percent;
}

export function parseOverride(value: string | undefined | null): StreamingOverride | undefined {
  return value === "on" || value === "off" ? value : undefined;
}
