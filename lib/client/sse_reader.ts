import { createParser } from "eventsource-parser";
import type { StreamEvent } from "../shared/contract.ts";

export interface ReceivedEvent {
  /** The event's number in its stream (resume after it with Last-Event-ID). */
  id?: number;
  event: StreamEvent;
}

/** Reads a `text/event-stream` body as Kabotan stream events, ending after `done`. */
export async function* readStreamEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ReceivedEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const queue: ReceivedEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      try {
        queue.push({
          id: message.id ? Number(message.id) : undefined,
          event: JSON.parse(message.data) as StreamEvent,
        });
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
        const received = queue.shift()!;
        yield received;
        if (received.event.type === "done") return;
      }
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}
