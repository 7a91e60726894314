import { SSE_HEADERS, SseEncoderStream, type SseMessage } from "./encoder.ts";
import { type NumberedEvent, toSseMessage, withKeepAlive } from "./relay.ts";

/** A `text/event-stream` response of numbered events, with keep-alive comments when quiet. */
export function sseResponse(events: ReadableStream<NumberedEvent>, keepAliveMs: number): Response {
  const messages = events.pipeThrough(
    new TransformStream<NumberedEvent, SseMessage>({
      transform: (event, c) => c.enqueue(toSseMessage(event)),
    }),
  );
  return new Response(withKeepAlive(messages, keepAliveMs).pipeThrough(new SseEncoderStream()), {
    headers: SSE_HEADERS,
  });
}
