import { ApiError } from "./api_error.ts";

/** The API's error body (see ApiError), for middleware that answers rather than throws. */
export function jsonError(
  status: number,
  error: string,
  field?: string,
  headers?: Record<string, string>,
): Response {
  return new ApiError(status, error, { field, headers }).toResponse();
}
