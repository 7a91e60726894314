import { jsonError } from "./json_error.ts";

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | {
  ok: false;
  response: Response;
};

/** How long a body may take to arrive when the caller does not say. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * The body's bytes, or "late" when it has not all arrived within `timeoutMs` (a client sending
 * it a byte at a time must not hold the request, and its connection, for ever).
 */
async function bodyWithin(request: Request, timeoutMs: number): Promise<ArrayBuffer | "late"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
  try {
    return await Promise.race([request.arrayBuffer(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a request body that must be a JSON object, answering 415, 400 or 408 when it is not. */
export async function readJsonObject(
  request: Request,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<JsonObjectResult> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    return { ok: false, response: jsonError(415, "Content-Type must be application/json") };
  }
  const bytes = await bodyWithin(request, timeoutMs);
  if (bytes === "late") {
    return { ok: false, response: jsonError(408, "the request body did not arrive in time") };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, response: jsonError(400, "the request body must be valid UTF-8") };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, response: jsonError(400, "the request body is not valid JSON") };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, response: jsonError(400, "the request body must be a JSON object") };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
