/**
 * `GET /api/streams/{request_id}`: resume a resumable answer (Last-Event-ID or `last_event_id`).
 * `POST /api/streams/{request_id}/stop`: stop it, wherever it runs. Both for its session only.
 */
import { Hono } from "hono";
import type { Config } from "../../lib/config.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { jsonError } from "../../lib/http/json_error.ts";
import type { StreamHub } from "../../lib/streams/hub.ts";
import { lastEventIdOf } from "../../lib/streams/request_key.ts";
import { resume } from "./features.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function streamsApi({ config, streams }: { config: Config; streams: StreamHub }): Hono<AppEnv> {
  const api = new Hono<AppEnv>();

  api.get("/:id", async (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return jsonError(400, "request_id must be a UUID", "request_id");
    const lastEventId = lastEventIdOf(c.req.header("last-event-id"), c.req.query("last_event_id"));
    if (lastEventId === "invalid") {
      return jsonError(400, "Last-Event-ID must be a whole number", "last_event_id");
    }
    const session = c.get("session").current();
    const meta = await streams.find(id);
    if (!meta || !session) return jsonError(404, "no such stream to resume", "request_id");
    return resume(c, streams, id, meta, {
      owner: session.id,
      lastEventId,
      keepAliveMs: config.streaming.keepAliveMs,
    });
  });

  api.post("/:id/stop", async (c) => {
    const id = c.req.param("id");
    if (!UUID.test(id)) return jsonError(400, "request_id must be a UUID", "request_id");
    const session = c.get("session").current();
    const meta = await streams.find(id);
    if (!meta || !session || meta.session !== session.id) {
      return jsonError(404, "no such stream", "request_id");
    }
    if (meta.status === "finished") return c.json({ stopped: false, finished: true });
    await streams.stop(id);
    return c.json({ stopped: true });
  });

  return api;
}
