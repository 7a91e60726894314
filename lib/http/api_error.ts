/**
 * Every refusal of the API is an ApiError thrown where it is found and rendered in one place
 * (`app.onError`), as `{"error": "…", "field"?: "…", "code"?: "…"}`: one shape for every failure.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: { field?: string; code?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  toResponse(): Response {
    const { field, code, headers } = this.details;
    return Response.json({ error: this.message, ...(field ? { field } : {}), ...(code ? { code } : {}) }, {
      status: this.status,
      headers: { "cache-control": "no-store", ...headers },
    });
  }
}
