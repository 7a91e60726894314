/** What identifies a resumable request's parameters: everything but how it is transported. */
const TRANSPORT_FIELDS = new Set(["request_id", "last_event_id", "stream"]);

export async function requestFingerprint(feature: string, raw: Record<string, unknown>): Promise<string> {
  const params = Object.fromEntries(
    Object.entries(raw).filter(([key]) => !TRANSPORT_FIELDS.has(key)).sort(([a], [b]) => a.localeCompare(b)),
  );
  const bytes = new TextEncoder().encode(JSON.stringify([feature, params]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const EVENT_ID = /^\d{1,9}$/;

/** The id of the last event a reader has: the Last-Event-ID header, else `last_event_id`. */
export function lastEventIdOf(header: string | undefined, field: unknown): number | "invalid" {
  const raw = header ?? (typeof field === "number" ? String(field) : field);
  if (raw === undefined || raw === null || raw === "") return 0;
  if (typeof raw !== "string" || !EVENT_ID.test(raw.trim())) return "invalid";
  return Number(raw.trim());
}
