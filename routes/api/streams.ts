/**
 * `GET /api/streams/{request_id}`: resume a resumable answer (Last-Event-ID or `last_event_id`).
 * `POST /api/streams/{request_id}/stop`: stop it, wherever it runs. Both for its session only.
 */
import { Hono } from "hono";
import { readAnswer } from "../../lib/answers/attach.ts";
import { ApiError } from "../../lib/http/api_error.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import type { StreamHub } from "../../lib/streams/hub.ts";
import { lastEventIdOf } from "../../lib/streams/request_key.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function answerIdOf(value: string): string {
  if (!UUID.test(value)) throw new ApiError(400, "request_id must be a UUID", { field: "request_id" });
  return value;
}

export function streamsApi(
  { keepAliveMs, streams }: { keepAliveMs: number; streams: StreamHub },
): Hono<AppEnv> {
  const api = new Hono<AppEnv>();

  api.get("/:id", async (c) => {
    const id = answerIdOf(c.req.param("id"));
    const lastEventId = lastEventIdOf(c.req.header("last-event-id"), c.req.query("last_event_id"));
    if (lastEventId === "invalid") {
      throw new ApiError(400, "Last-Event-ID must be a whole number", { field: "last_event_id" });
    }
    const meta = await streams.find(id);
    if (!meta) throw new ApiError(404, "no such stream to resume", { field: "request_id" });
    const response = readAnswer(streams, id, meta, {
      owner: c.get("sessionAccess").current()?.id,
      lastEventId,
      keepAliveMs,
    });
    return c.newResponse(response.body, response);
  });

  api.post("/:id/stop", async (c) => {
    const id = answerIdOf(c.req.param("id"));
    const session = c.get("sessionAccess").current();
    const meta = await streams.find(id);
    if (!meta || !session || meta.sessionId !== session.id) {
      throw new ApiError(404, "no such stream", { field: "request_id" });
    }
    if (meta.status === "finished") return c.json({ stopped: false, finished: true });
    // An answer whose instance died cannot be stopped: it is ended instead, and said so.
    const stopped = await streams.stop(id);
    return c.json(stopped ? { stopped: true } : { stopped: false, finished: true });
  });

  return api;
}
