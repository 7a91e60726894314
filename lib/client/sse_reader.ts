import { createParser } from "eventsource-parser";
import type { StreamEvent } from "../sse/events.ts";

/** Reads a `text/event-stream` body as Kabotan stream events, ending after `done`. */
export async function* readStreamEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const queue: StreamEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      try {
        queue.push(JSON.parse(message.data) as StreamEvent);
      } catch {
        // not one of ours: ignore it, as EventSource would
      }
    },
  });
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) {
        const event = queue.shift()!;
        yield event;
        if (event.type === "done") return;
      }
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}
