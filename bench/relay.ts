/**
 * Relay cost: the same fake upstream read directly (as an OpenAI SSE client would) and through
 * Kabotan's SSE endpoint, side by side in one run.
 */
import { createParser } from "eventsource-parser";
import { startApp } from "../tests/support/app_server.ts";
import { FakeUpstream } from "../tests/support/fake_upstream.ts";

export interface RelayResult {
  chunks: number;
  directMs: number;
  relayMs: number;
  directFirstMs: number;
  relayFirstMs: number;
}

/** Reads an SSE body to the end; returns total and first-event times and the text length. */
async function timeStream(url: string, init: RequestInit, textOf: (data: string) => string) {
  const started = performance.now();
  let first = -1;
  let length = 0;
  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") return;
      const text = textOf(event.data);
      if (text && first < 0) first = performance.now() - started;
      length += text.length;
    },
  });
  const response = await fetch(url, init);
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  for await (const bytes of response.body!) parser.feed(decoder.decode(bytes, { stream: true }));
  return { totalMs: performance.now() - started, firstMs: first, length };
}

const directText = (data: string) => JSON.parse(data).choices?.[0]?.delta?.content ?? "";
const relayText = (data: string) => {
  const event = JSON.parse(data);
  return event.type === "content" ? event.chunk : "";
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchRelay({ chunks = 5000, rounds = 7 } = {}): Promise<RelayResult> {
  const upstream = new FakeUpstream();
  const words = Array.from({ length: chunks }, (_, i) => `w${i} `);
  upstream.use({ chunks: words });
  const app = await startApp({ OPENAI_BASE_URL: upstream.baseURL, LOG_LEVEL: "error" });
  const expected = words.join("").length;
  const directBody = JSON.stringify({
    model: "m",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  const direct = () =>
    timeStream(`${upstream.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: directBody,
    }, directText);
  const relay = () =>
    timeStream(`${app.url}/api/character-chat-stream?character=dracula&message=hi`, {}, relayText);
  const results = {
    direct: [] as number[],
    relay: [] as number[],
    directFirst: [] as number[],
    relayFirst: [] as number[],
  };
  try {
    await direct();
    await relay(); // warm up both paths
    for (let round = 0; round < rounds; round++) {
      const d = await direct();
      const r = await relay();
      if (d.length !== expected || r.length !== expected) throw new Error("text mismatch");
      results.direct.push(d.totalMs);
      results.relay.push(r.totalMs);
      results.directFirst.push(d.firstMs);
      results.relayFirst.push(r.firstMs);
    }
  } finally {
    await app.close();
    await upstream.close();
  }
  return {
    chunks,
    directMs: median(results.direct),
    relayMs: median(results.relay),
    directFirstMs: median(results.directFirst),
    relayFirstMs: median(results.relayFirst),
  };
}

/** Time to first chunk for a short answer, p50 over many requests. */
export async function benchFirstChunk({ requests = 60 } = {}) {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: ["Good ", "evening."] });
  const app = await startApp({ OPENAI_BASE_URL: upstream.baseURL, LOG_LEVEL: "error" });
  const directBody = JSON.stringify({
    model: "m",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  const direct: number[] = [];
  const relay: number[] = [];
  try {
    for (let i = 0; i < requests; i++) {
      direct.push(
        (await timeStream(`${upstream.baseURL}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: directBody,
        }, directText)).firstMs,
      );
      relay.push(
        (await timeStream(`${app.url}/api/character-chat-stream?character=dracula&message=hi`, {}, relayText))
          .firstMs,
      );
    }
  } finally {
    await app.close();
    await upstream.close();
  }
  return { requests, directP50: median(direct.slice(5)), relayP50: median(relay.slice(5)) };
}
