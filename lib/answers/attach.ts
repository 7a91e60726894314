/**
 * Stage 2 of a resumable answer: attach to it when it exists (a reader), or claim its id for a
 * new answer. A claim is held: given back (the id forgotten) on any way out, unless the answer
 * that it started takes it over.
 */
import { ApiError } from "../http/api_error.ts";
import { HeldAsync } from "../held.ts";
import { SSE_HEADERS } from "../sse/encoder.ts";
import { sseBody } from "../sse/response.ts";
import type { StreamHub } from "../streams/hub.ts";
import type { StreamMeta } from "../streams/event_log.ts";

export interface Reader {
  /** The session asking. */
  owner: string | undefined;
  /** The parameters' fingerprint, when they came with the request (a retry of the same request). */
  fingerprint?: string;
  lastEventId: number;
  keepAliveMs: number;
}

/**
 * The response for a reader of an answer that exists: its owner's session only, with the same
 * parameters only. A finished answer with nothing after `lastEventId` is a 204, which tells an
 * EventSource to stop reconnecting.
 */
export function readAnswer(streams: StreamHub, id: string, meta: StreamMeta, reader: Reader): Response {
  if (meta.sessionId !== reader.owner) {
    throw new ApiError(404, "no such stream to resume", { field: "request_id" });
  }
  if (reader.fingerprint !== undefined && meta.fingerprint !== reader.fingerprint) {
    throw new ApiError(409, "this request_id belongs to a request with other parameters", {
      field: "request_id",
    });
  }
  // An orphan's reader may have been shown events its instance never logged (their ids went to the
  // closing events): it is read like any other, and the hub numbers the closing events after its last.
  if (meta.status === "finished" && reader.lastEventId >= meta.lastId && !meta.orphaned) {
    return new Response(null, { status: 204 });
  }
  // A reader may come back only for its own session's answer (checked above), so it has an owner.
  const events = streams.reread(id, reader.lastEventId, reader.owner!);
  return new Response(sseBody(events, reader.keepAliveMs), { headers: SSE_HEADERS });
}

/** The existing answer's response for this reader, or undefined when there is none yet. */
export async function attach(streams: StreamHub, id: string, reader: Reader): Promise<Response | undefined> {
  const existing = await streams.find(id);
  if (existing) return readAnswer(streams, id, existing, reader);
  if (reader.lastEventId > 0) {
    throw new ApiError(404, "no such stream to resume (it ended over 10 minutes ago, or never began)", {
      field: "request_id",
    });
  }
  return undefined;
}

/**
 * Claims the id for a new answer: a held claim, forgotten on every early exit. When another
 * request claimed it first, the response for reading that one instead.
 */
export async function claim(
  streams: StreamHub,
  id: string,
  meta: Omit<StreamMeta, "status" | "lastId" | "createdAt">,
  reader: Reader,
): Promise<HeldAsync | Response> {
  if (await streams.claim(id, meta)) return new HeldAsync(() => streams.eventLog.forget(id));
  const winner = await streams.find(id);
  if (!winner) {
    throw new ApiError(409, "this request_id is being started by another request", { field: "request_id" });
  }
  return readAnswer(streams, id, winner, reader);
}
