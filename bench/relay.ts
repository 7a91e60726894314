/**
 * Relay cost, side by side in one run: the same fake upstream (its own process) read directly,
 * through Kabotan (its own process), and through the reference relay (Hono streamSSE + the
 * openai SDK, its own process), as an SSE client reads them.
 */
import { createParser } from "eventsource-parser";
import { kabotanProcess, referenceProcess, upstreamProcess } from "./processes.ts";

export interface Timing {
  totalMs: number;
  firstMs: number;
  length: number;
}

/** Reads an SSE body to the end: total time, time to the first text, length of the text. */
export async function timeStream(
  url: string,
  init: RequestInit,
  textOf: (data: string) => string,
): Promise<Timing> {
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

export const directText = (data: string) => JSON.parse(data).choices?.[0]?.delta?.content ?? "";
export const relayText = (data: string) => {
  const event = JSON.parse(data);
  return event.type === "content" ? event.chunk : "";
};

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const DIRECT_BODY = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });

export interface RelayComparison {
  chunks: number;
  rounds: number;
  direct: { totalMs: number; firstMs: number };
  kabotan: { totalMs: number; firstMs: number };
  reference: { totalMs: number; firstMs: number };
}

/** Wall time and time to first chunk, median of `rounds`, the three paths taken in turn. */
export async function benchRelay({ chunks = 5000, rounds = 9 } = {}): Promise<RelayComparison> {
  const upstream = await upstreamProcess(chunks);
  const baseURL = String(upstream.info.baseURL);
  const kabotan = await kabotanProcess(baseURL);
  const reference = await referenceProcess(baseURL);
  const expected = Array.from({ length: chunks }, (_, i) => `w${i} `).join("").length;
  const paths = {
    direct: () =>
      timeStream(`${baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: DIRECT_BODY,
      }, directText),
    kabotan: () =>
      timeStream(`${kabotan.url}/api/character-chat-stream?character=dracula&message=hi`, {}, relayText),
    reference: () => timeStream(`http://127.0.0.1:${reference.info.port}/stream?message=hi`, {}, relayText),
  };
  const runs: Record<keyof typeof paths, Timing[]> = { direct: [], kabotan: [], reference: [] };
  try {
    for (let round = -2; round < rounds; round++) {
      for (const name of Object.keys(paths) as Array<keyof typeof paths>) {
        const timing = await paths[name]();
        if (timing.length !== expected) {
          throw new Error(`${name}: ${timing.length} characters, not ${expected}`);
        }
        if (round >= 0) runs[name].push(timing); // the first two rounds warm up
      }
    }
  } finally {
    await kabotan.stop();
    await reference.stop();
    await upstream.stop();
  }
  const summary = (timings: Timing[]) => ({
    totalMs: median(timings.map((t) => t.totalMs)),
    firstMs: median(timings.map((t) => t.firstMs)),
  });
  return {
    chunks,
    rounds,
    direct: summary(runs.direct),
    kabotan: summary(runs.kabotan),
    reference: summary(runs.reference),
  };
}

/** Time to first chunk of a short answer, p50 over many requests, the three paths in turn. */
export async function benchFirstChunk(
  { requests = 60, env = {} }: { requests?: number; env?: Record<string, string> } = {},
) {
  const upstream = await upstreamProcess(2);
  const baseURL = String(upstream.info.baseURL);
  const kabotan = await kabotanProcess(baseURL, env);
  const reference = await referenceProcess(baseURL);
  const first = { direct: [] as number[], kabotan: [] as number[], reference: [] as number[] };
  try {
    for (let i = 0; i < requests; i++) {
      first.direct.push(
        (await timeStream(`${baseURL}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: DIRECT_BODY,
        }, directText)).firstMs,
      );
      first.kabotan.push(
        (await timeStream(
          `${kabotan.url}/api/character-chat-stream?character=dracula&message=hi`,
          {},
          relayText,
        )).firstMs,
      );
      first.reference.push(
        (await timeStream(`http://127.0.0.1:${reference.info.port}/stream?message=hi`, {}, relayText))
          .firstMs,
      );
    }
  } finally {
    await kabotan.stop();
    await reference.stop();
    await upstream.stop();
  }
  return {
    requests: requests - 5,
    direct: median(first.direct.slice(5)),
    kabotan: median(first.kabotan.slice(5)),
    reference: median(first.reference.slice(5)),
  };
}
