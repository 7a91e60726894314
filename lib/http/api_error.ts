/**
 * Every refusal of the API is an ApiError thrown where it is found and rendered in one place
 * (`app.onError`), as `{"error": "…", "field"?: "…", "code"?: "…", "server_message"?: "…"}`: one shape for every failure.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: {
      field?: string;
      code?: string;
      /** The model server's own words, when it was the one to fail. */
      serverMessage?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  toResponse(): Response {
    const { field, code, serverMessage, headers } = this.details;
    const body = {
      error: this.message,
      ...(field ? { field } : {}),
      ...(code ? { code } : {}),
      ...(serverMessage ? { server_message: serverMessage } : {}),
    };
    return Response.json(body, {
      status: this.status,
      headers: { "cache-control": "no-store", ...headers },
    });
  }
}

/** A rate said no: 429 naming what there was too much of, with when to try again (Retry-After). */
export function tooMany(what: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, `too many ${what}: try again in ${retryAfterSeconds} s`, {
    code: "too_many_requests",
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}
