/**
 * The built-in demo model: an OpenAI-compatible `/chat/completions` responder that runs in
 * process and is plugged into the SDK through its `fetch` option, so the demo takes exactly
 * the parsing path a real server does.
 */
import {
  chunkFrame,
  completionBody,
  type CompletionIdentity,
  DONE_FRAME,
  usageFrame,
  type WireUsage,
} from "./wire.ts";
import type { ChatMessage, DemoHints } from "./types.ts";

/**
 * The demo's words for a request, given by the features it serves (lib/features/registry.ts):
 * the answer, and what is asked in plain words, for its thinking.
 */
export type DemoAnswers = (
  hints: DemoHints | undefined,
  lastUserMessage: string,
  random: () => number,
  previousAnswer?: string,
  /** Every earlier answer of the conversation, joined (what it has said already). */
  earlierAnswers?: string,
) => { answer: string; asked: string };

export interface DemoPace {
  firstTokenMs: number;
  tokensPerSecond: number;
  /** Think before answering, as a reasoning model does (DEMO_REASONING). */
  reasoning?: boolean;
}

export const DEMO_BASE_URL = "http://demo.kabotan.invalid/v1";

export function createDemoFetch(
  pace: DemoPace,
  answers: DemoAnswers,
  random: () => number = Math.random,
): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/chat/completions")) {
      return Response.json({ error: { message: "not found" } }, { status: 404 });
    }
    const body = await request.json() as { messages?: ChatMessage[]; stream?: boolean };
    const hints = readHints(request.headers.get("x-kabotan-hints"));
    const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === "user");
    const messages = body.messages ?? [];
    const previous = messages.slice(0, messages.lastIndexOf(lastUser!)).findLast((m) =>
      m.role === "assistant"
    );
    const earlier = messages.filter((m) => m.role === "assistant").map((m) => m.content).join("\n");
    const { answer: text, asked } = answers(
      hints,
      lastUser?.content ?? "",
      random,
      previous?.content ?? "",
      earlier,
    );
    const created = Math.floor(Date.now() / 1000);
    const base: CompletionIdentity = { id: `demo-${crypto.randomUUID()}`, created, model: "kabotan-demo" };
    const thinking = pace.reasoning ? demoThinking(hints?.language, lastUser?.content ?? "", asked) : "";
    const usage = { prompt_tokens: 0, completion_tokens: demoTokens(thinking + text).length };

    if (!body.stream) {
      await sleep(pace.firstTokenMs, request.signal);
      const message = thinking ? { content: text, reasoning_content: thinking } : { content: text };
      return Response.json(
        completionBody(base, message, "stop", { ...usage, total_tokens: usage.completion_tokens }),
      );
    }
    return new Response(demoEventStream(text, thinking, pace, base, usage, request.signal), {
      headers: { "content-type": "text/event-stream" },
    });
  };
}

function demoEventStream(
  text: string,
  thinking: string,
  pace: DemoPace,
  base: CompletionIdentity,
  usage: WireUsage,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunk = (delta: Record<string, string>, finish: string | null = null) =>
    encoder.encode(chunkFrame(base, delta, finish));
  // Thinking first (as llama.cpp sends it: reasoning_content), then the answer.
  const tokens = [
    ...demoTokens(thinking).map((token) => ({ reasoning_content: token })),
    ...demoTokens(text).map((token) => ({ content: token })),
  ];
  const gapMs = 1000 / pace.tokensPerSecond;
  let next = 0;
  let sentRole = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentRole) {
        sentRole = true;
        controller.enqueue(chunk({ role: "assistant" }));
        await sleep(pace.firstTokenMs, signal);
      } else {
        await sleep(gapMs, signal);
      }
      if (next < tokens.length) {
        controller.enqueue(chunk(tokens[next++]));
        return;
      }
      controller.enqueue(chunk({}, "stop"));
      controller.enqueue(encoder.encode(usageFrame(base, usage) + DONE_FRAME));
      controller.close();
    },
  }, { highWaterMark: 0 });
}

function readHints(header: string | null): DemoHints | undefined {
  if (!header) return undefined;
  try {
    return JSON.parse(decodeURIComponent(header));
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Splits text into token-sized pieces: words with their spacing, or two characters of Japanese. */
export function demoTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.match(/\s*\S+\s*/gu) ?? []) {
    const chars = Array.from(word);
    if (chars.length <= 6 || /^[\p{ASCII}]*$/u.test(word)) {
      tokens.push(word);
      continue;
    }
    for (let i = 0; i < chars.length; i += 2) tokens.push(chars.slice(i, i + 2).join(""));
  }
  return tokens;
}

/** What the demo model "thinks" before it answers: a few plain sentences about the request. */
export function demoThinking(language: string | undefined, lastUserMessage: string, asked: string): string {
  const quoted = lastUserMessage.trim().replace(/\s+/g, " ").slice(0, 80);
  if (language === "ja") {
    return `「${quoted}」と書かれている。${asked}だ。頼まれた形を守り、日本語で、短めに答えよう。`;
  }
  return `They wrote "${quoted}". This is ${asked}. I should answer in English, in the form it asks for, and keep it short.`;
}
