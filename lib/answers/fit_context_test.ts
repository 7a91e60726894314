import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { fitContext } from "./fit_context.ts";
import type { ChatMessage } from "../llm/types.ts";

/** One token a character: easy to reason about. */
const count = (text: string) => Promise.resolve(text.length);
const turns = (n: number, size = 100): ChatMessage[] =>
  Array.from({ length: n }, (_, i) => [
    { role: "user" as const, content: `${i}`.padEnd(size, "q") },
    { role: "assistant" as const, content: `${i}`.padEnd(size, "a") },
  ]).flat();

Deno.test("no window known: everything goes, the budget as it is", async () => {
  const history = turns(30);
  deepEqual(await fitContext({ system: "s", history, user: "u", maxTokens: 4000 }, undefined, count), {
    history,
    maxTokens: 4000,
    dropped: 0,
  });
});

Deno.test("the newest whole turns that fit beside the answer's room; the budget lowered to what is left", async () => {
  const history = turns(10); // 2,000 tokens
  const fitted = await fitContext(
    { system: "s".repeat(100), history, user: "u".repeat(50), maxTokens: 4000 },
    1024,
    count,
  );
  // Room for the answer first: a quarter of the window (256); 1024 − 150 − 256 = 618 for history: 3 turns.
  equal(fitted.history.length, 6);
  equal(fitted.dropped, 14);
  equal(fitted.history[0].content.startsWith("7"), true, "the newest turns");
  equal(fitted.history[0].role, "user", "whole turns: still alternating");
  equal(fitted.maxTokens, 1024 - 150 - 600);
  ok(150 + 600 + fitted.maxTokens <= 1024);
});

Deno.test("when the question itself cannot fit with a short answer: context_full", async () => {
  await rejects(
    fitContext({ system: "s".repeat(500), history: [], user: "u".repeat(500), maxTokens: 4000 }, 1024, count),
    (error: Error & { code?: string }) => error.code === "context_full",
  );
});

Deno.test("Continue keeps the newest part of a long answer it goes on with", async () => {
  const history: ChatMessage[] = [
    { role: "user", content: "Tell a long story" },
    { role: "assistant", content: `${"x".repeat(3000)}THE END SO FAR` },
  ];
  const fitted = await fitContext({ system: "s", history, user: "Continue", maxTokens: 4000 }, 2048, count);
  equal(fitted.history.length, 2);
  ok(fitted.history[1].content.startsWith("…"));
  ok(fitted.history[1].content.endsWith("THE END SO FAR"), "its newest part");
  ok(fitted.history[1].content.length < 3000);
});
