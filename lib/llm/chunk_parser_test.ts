import { deepEqual } from "node:assert/strict";
import { parseUpstreamChunk } from "./chunk_parser.ts";

Deno.test("a content delta gives its text", () => {
  const chunk = parseUpstreamChunk(
    '{"choices":[{"index":0,"delta":{"content":"Good "},"finish_reason":null}]}',
  );
  deepEqual(chunk, {
    kind: "delta",
    text: "Good ",
    reasoning: "",
    finishReason: undefined,
    usage: undefined,
  });
});

Deno.test("role-only and empty-choices chunks carry no text", () => {
  deepEqual(parseUpstreamChunk('{"choices":[{"delta":{"role":"assistant"}}]}'), {
    kind: "delta",
    reasoning: "",
    text: "",
    finishReason: undefined,
    usage: undefined,
  });
  deepEqual(parseUpstreamChunk('{"choices":[]}').kind, "delta");
  deepEqual((parseUpstreamChunk('{"choices":[]}') as { text: string }).text, "");
});

Deno.test("finish_reason and usage are read", () => {
  deepEqual(parseUpstreamChunk('{"choices":[{"delta":{},"finish_reason":"stop"}]}'), {
    kind: "delta",
    reasoning: "",
    text: "",
    finishReason: "stop",
    usage: undefined,
  });
  deepEqual(parseUpstreamChunk('{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34}}'), {
    kind: "delta",
    reasoning: "",
    text: "",
    finishReason: undefined,
    usage: { promptTokens: 12, completionTokens: 34 },
  });
});

Deno.test("[DONE] ends the stream", () => {
  deepEqual(parseUpstreamChunk("[DONE]"), { kind: "done" });
  deepEqual(parseUpstreamChunk(" [DONE] "), { kind: "done" });
});

Deno.test("an error object inside a 200 stream is an error", () => {
  deepEqual(parseUpstreamChunk('{"error":{"message":"overloaded","type":"server_error"}}'), {
    kind: "error",
    message: "overloaded",
    type: "server_error",
  });
  deepEqual(parseUpstreamChunk('{"error":"plain text"}'), { kind: "error", message: "plain text" });
});

Deno.test("malformed payloads are reported, not thrown", () => {
  for (const data of ["{not json", "42", "[1,2]", "null", '"text"']) {
    deepEqual(parseUpstreamChunk(data).kind, "malformed", data);
  }
});

Deno.test("non-string content is ignored rather than coerced", () => {
  const chunk = parseUpstreamChunk('{"choices":[{"delta":{"content":{"x":1}}}]}');
  deepEqual(chunk.kind === "delta" && chunk.text, "");
});
