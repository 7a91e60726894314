import { createParser } from "eventsource-parser";
import type { StreamEvent } from "../../lib/shared/contract.ts";

export interface ReceivedEvent {
  id?: string;
  payload: StreamEvent;
}

export interface SseResult {
  status: number;
  headers: Headers;
  events: ReceivedEvent[];
  comments: string[];
  /** The concatenated `content` chunks. */
  text: string;
}

/** Reads a whole SSE response the way a client would, keeping ids and comments. */
export async function readSse(
  response: Response,
  onEvent?: (event: ReceivedEvent) => void,
): Promise<SseResult> {
  const events: ReceivedEvent[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent(message) {
      const event = { id: message.id, payload: JSON.parse(message.data) as StreamEvent };
      events.push(event);
      onEvent?.(event);
    },
    onComment: (comment) => comments.push(comment.trim()),
  });
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  if (response.body) {
    for await (const bytes of response.body) parser.feed(decoder.decode(bytes, { stream: true }));
  }
  const text = events.map((e) => (e.payload.type === "content" ? e.payload.chunk : "")).join("");
  return { status: response.status, headers: response.headers, events, comments, text };
}

export function eventTypes(result: SseResult): string[] {
  return result.events.map((e) => e.payload.type);
}
