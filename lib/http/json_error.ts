/** The API's error body: a clear message, and the field at fault when there is one. */
export function jsonError(status: number, error: string, field?: string, headers?: HeadersInit): Response {
  const body = field ? { error, field } : { error };
  const response = Response.json(body, { status, headers });
  return response;
}
