import { SSE_HEADERS, SseEncoderStream, type SseMessage } from "./encoder.ts";
import { type NumberedEvent, toSseMessage, withKeepAlive } from "./relay.ts";

export { SSE_HEADERS };

/** The bytes of a `text/event-stream` body of numbered events, with keep-alive comments when quiet. */
export function sseBody(
  events: ReadableStream<NumberedEvent>,
  keepAliveMs: number,
): ReadableStream<Uint8Array> {
  const messages = events.pipeThrough(
    new TransformStream<NumberedEvent, SseMessage>({
      transform: (event, c) => c.enqueue(toSseMessage(event)),
    }),
  );
  return withKeepAlive(messages, keepAliveMs).pipeThrough(new SseEncoderStream());
}
