import { ApiError } from "./api_error.ts";

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

/** Reads a request body that must be a JSON object; throws a 415, 400 or 408 ApiError when it is not. */
export async function readJsonObject(
  request: Request,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(415, "Content-Type must be application/json");
  }
  const bytes = await bodyWithin(request, timeoutMs);
  if (bytes === "late") {
    throw new ApiError(408, "the request body did not arrive in time");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "the request body must be valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "the request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "the request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** Fields that say yes or no come from a form as text. */
const BOOLEAN_FIELDS = new Set(["stream", "continue", "regenerate", "edit"]);

/**
 * Reads a request body as an object of fields: a JSON object, or a form (urlencoded or
 * multipart, as a plain HTML form posts it, with the same fields as the JSON). A file in a form
 * is refused, naming its field. Throws a 415, 400 or 408 ApiError like readJsonObject.
 */
export async function readBodyFields(
  request: Request,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!FORM_TYPES.test(type)) {
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new ApiError(
        415,
        "Content-Type must be application/json, application/x-www-form-urlencoded or multipart/form-data",
      );
    }
    return await readJsonObject(request, timeoutMs);
  }
  const bytes = await bodyWithin(request, timeoutMs);
  if (bytes === "late") throw new ApiError(408, "the request body did not arrive in time");
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw new ApiError(400, "the request body is not a valid form");
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form) {
    if (typeof value !== "string") {
      throw new ApiError(400, `${name} must be text, not a file`, { field: name });
    }
    fields[name] = BOOLEAN_FIELDS.has(name) ? ["true", "on", "1"].includes(value.toLowerCase()) : value;
  }
  return fields;
}
