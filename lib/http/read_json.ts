import { jsonError } from "./json_error.ts";

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | {
  ok: false;
  response: Response;
};

/** Reads a request body that must be a JSON object, answering 415 or 400 when it is not. */
export async function readJsonObject(request: Request): Promise<JsonObjectResult> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    return { ok: false, response: jsonError(415, "Content-Type must be application/json") };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await request.arrayBuffer());
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
