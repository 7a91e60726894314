import { deepEqual, throws } from "node:assert/strict";
import { createParser } from "eventsource-parser";
import { encodeSseMessage, type SseMessage } from "./encoder.ts";

Deno.test("an event has its id and one data line", () => {
  deepEqual(
    encodeSseMessage({ id: 3, data: '{"chunk":"x","type":"content"}' }),
    'id: 3\ndata: {"chunk":"x","type":"content"}\n\n',
  );
});

Deno.test("comments and retry are encoded", () => {
  deepEqual(encodeSseMessage({ comment: "keep-alive" }), ": keep-alive\n\n");
  deepEqual(encodeSseMessage({ retry: 2000 }), "retry: 2000\n\n");
});

Deno.test("multi-line data becomes several data lines", () => {
  deepEqual(encodeSseMessage({ data: "a\nb\r\nc" }), "data: a\ndata: b\ndata: c\n\n");
});

Deno.test("fields that would break the framing are refused", () => {
  throws(() => encodeSseMessage({ id: "1\n2", data: "x" }), TypeError);
  throws(() => encodeSseMessage({ event: "a\rb", data: "x" }), TypeError);
  throws(() => encodeSseMessage({ comment: "a\nb" }), TypeError);
  throws(() => encodeSseMessage({ retry: -1 }), TypeError);
});

function encodeAll(messages: SseMessage[]): Uint8Array {
  return new TextEncoder().encode(messages.map(encodeSseMessage).join(""));
}

function parseSplit(bytes: Uint8Array, at: number): string[] {
  const texts: string[] = [];
  const parser = createParser({ onEvent: (e) => texts.push(JSON.parse(e.data).chunk) });
  const decoder = new TextDecoder();
  parser.feed(decoder.decode(bytes.subarray(0, at), { stream: true }));
  parser.feed(decoder.decode(bytes.subarray(at), { stream: true }));
  parser.feed(decoder.decode());
  return texts;
}

Deno.test("Japanese text survives the wire split at every byte position", () => {
  const pieces = ["こんばんは、", "親愛なる客人よ。", "🦇 夜はまだ若い", "。"];
  const bytes = encodeAll(
    pieces.map((chunk, i) => ({ id: i + 1, data: JSON.stringify({ chunk, type: "content" }) })),
  );
  for (let at = 0; at <= bytes.length; at++) {
    deepEqual(parseSplit(bytes, at), pieces, `split at byte ${at}`);
  }
});
