import { sseByteStream } from "./byte_stream.ts";
import { type NumberedEvent, sseFrame } from "./relay.ts";

/** The bytes of a `text/event-stream` body of numbered events, with keep-alive comments when quiet. */
export function sseBody(
  events: ReadableStream<NumberedEvent>,
  keepAliveMs: number,
): ReadableStream<Uint8Array> {
  return sseByteStream(events, keepAliveMs, { item: sseFrame });
}
