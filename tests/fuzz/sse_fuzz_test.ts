/**
 * Fuzzing, bounded for the test suite: the SSE encoder against a spec-compliant parser, and the
 * upstream stream parser against random splits and random bytes.
 */
import { fixedModel } from "../../lib/llm/model_choice.ts";
import { deepEqual, equal, ok } from "node:assert/strict";
import { createParser } from "eventsource-parser";
import { LlmError } from "../../lib/llm/errors.ts";
import { createOpenAiClient } from "../../lib/llm/openai_client.ts";
import { encodeSseMessage } from "../../lib/sse/encoder.ts";
import { concatBytes, mulberry32, randomSplit, randomText } from "../support/random.ts";

const SEEDS = 300;
const encoder = new TextEncoder();

Deno.test(`the SSE encoder round-trips random events through random splits (${SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = mulberry32(seed);
    const sent = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => ({
      id: i + 1,
      // What the relay sends: JSON, so any text at all is one safe data line.
      data: JSON.stringify({ chunk: randomText(random, 40), type: "content" }),
    }));
    const bytes = encoder.encode(sent.map(encodeSseMessage).join(": keep-alive\n\n"));
    const received: Array<{ id?: string; data: string }> = [];
    const parser = createParser({ onEvent: (event) => received.push({ id: event.id, data: event.data }) });
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    for (const piece of randomSplit(random, bytes)) parser.feed(decoder.decode(piece, { stream: true }));
    parser.feed(decoder.decode());
    deepEqual(
      received.map((e) => JSON.parse(e.data).chunk),
      sent.map((e) => JSON.parse(e.data).chunk),
      `seed ${seed}`,
    );
    deepEqual(received.map((e) => Number(e.id)), sent.map((e) => e.id), `seed ${seed}`);
  }
});

Deno.test(`raw text with newlines never breaks the framing (${SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = mulberry32(seed);
    const data = randomText(random, 30).replaceAll("\u0000", "");
    const received: string[] = [];
    const parser = createParser({ onEvent: (event) => received.push(event.data) });
    parser.feed(encodeSseMessage({ data }));
    equal(received.length, 1, `seed ${seed}`);
    equal(received[0], data.split(/\r\n|\r|\n/).join("\n"), `seed ${seed}`);
  }
});

function upstreamClient(body: Uint8Array[]) {
  return createOpenAiClient({
    provider: "openai",
    baseURL: "http://fuzz.test/v1",
    apiKey: "k",
    model: fixedModel("m"),
    timeoutMs: 5000,
    idleTimeoutMs: 2000,
    bufferSize: 64,
    fetch: () =>
      Promise.resolve(
        new Response(ReadableStream.from(body), { headers: { "content-type": "text/event-stream" } }),
      ),
  });
}

const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;

Deno.test(`the upstream parser keeps every valid delta and skips junk, at any split (${SEEDS} seeds)`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = mulberry32(seed);
    const deltas: string[] = [];
    let wire = "";
    const parts = 1 + Math.floor(random() * 10);
    for (let i = 0; i < parts; i++) {
      const roll = random();
      if (roll < 0.6) {
        const text = randomText(random, 12);
        deltas.push(text);
        wire += frame({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
      } else if (roll < 0.7) {
        wire += frame({ choices: [{ index: 0, delta: { role: "assistant" } }] });
      } else if (roll < 0.8) {
        wire += ": a comment\n\n";
      } else if (roll < 0.9) {
        wire += `data: {broken ${Math.floor(random() * 1000)}\n\n`;
      } else {
        wire += frame({ choices: [] });
      }
    }
    wire += frame({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) + "data: [DONE]\n\n";
    const pieces = await Array.fromAsync(
      upstreamClient(randomSplit(random, encoder.encode(wire))).stream({
        messages: [{ role: "user", content: "x" }],
        settings: { temperature: 0, maxTokens: 10 },
      }),
    );
    equal(pieces.map((piece) => piece.text).join(""), deltas.join(""), `seed ${seed}`);
    ok(
      pieces.every((piece) => piece.kind === "content" && piece.text.length > 0),
      `seed ${seed}: no empty pieces`,
    );
  }
});

Deno.test(`random bytes from the upstream end in text or a clean LlmError, never a crash or a hang (${SEEDS} seeds)`, async () => {
  let errors = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = mulberry32(seed);
    const bytes = new Uint8Array(Math.floor(random() * 400));
    for (let i = 0; i < bytes.length; i++) {
      // Mostly printable, with SSE punctuation and invalid UTF-8 mixed in.
      const r = random();
      bytes[i] = r < 0.1 ? 10 : r < 0.15 ? 0xff : r < 0.2 ? 58 : 32 + Math.floor(random() * 95);
    }
    const prefix = random() < 0.5 ? encoder.encode("data: ") : new Uint8Array();
    try {
      const text = (await Array.fromAsync(
        upstreamClient(randomSplit(random, concatBytes([prefix, bytes]))).stream({
          messages: [{ role: "user", content: "x" }],
          settings: { temperature: 0, maxTokens: 10 },
        }),
      )).join("");
      equal(typeof text, "string");
    } catch (error) {
      ok(error instanceof LlmError, `seed ${seed}: ${error}`);
      errors++;
    }
  }
  ok(errors > SEEDS / 2, "random bytes are mostly not a finished answer");
});
