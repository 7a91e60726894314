import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";

/** A client's own request id is kept (and logged apart) only in this shape. */
const CLIENT_ID = /^[\w.:-]{1,64}$/;

/**
 * Every request gets an id of the server's making (`X-Request-Id` on the response, and in every
 * log line about it). A client's `X-Request-Id` never replaces it: kept as `clientTraceId`
 * when well-formed, so a client can still find its request in the logs.
 */
export function traceIds() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = crypto.randomUUID();
    c.set("traceId", id);
    const theirs = c.req.header("x-request-id");
    if (theirs !== undefined && CLIENT_ID.test(theirs)) c.set("clientTraceId", theirs);
    c.header("x-request-id", id);
    await next();
  });
}
