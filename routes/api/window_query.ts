/** Which turns of a conversation a request asks for: `?before={turn id}&limit={turns}`. */
import type { Context } from "hono";
import { ApiError } from "../../lib/http/api_error.ts";
import type { AppEnv } from "../../lib/http/env.ts";

/** Turns a window holds unless asked for fewer; at most so many. */
export const WINDOW_TURNS = 20;
export const MAX_WINDOW_TURNS = 50;

/** A turn's id, as the store makes them. */
export const TURN_ID = /^[0-9a-z]{12,40}$/;

/** The window asked for, or a 400 naming the query parameter at fault. */
export function windowQuery(c: Context<AppEnv>): { turns: number; before?: string } {
  const before = c.req.query("before");
  if (before !== undefined && !TURN_ID.test(before)) {
    throw new ApiError(400, "before must be a turn's id", { field: "before" });
  }
  const turns = Number(c.req.query("limit") ?? WINDOW_TURNS);
  if (!Number.isInteger(turns) || turns < 1 || turns > MAX_WINDOW_TURNS) {
    throw new ApiError(400, `limit must be a whole number from 1 to ${MAX_WINDOW_TURNS}`, { field: "limit" });
  }
  return { turns, before };
}
