/**
 * A feature is one unit: a throwaway definition, registered with the app and nothing else,
 * is served as JSON and as a stream, validated, kept in the history, and cleared.
 */
import { deepEqual, equal } from "node:assert/strict";
import { z } from "zod";
import { defineFeature } from "../../lib/features/feature.ts";
import { optionalText } from "../../lib/features/fields.ts";
import { composeDemoAnswer, FEATURES } from "../../lib/features/registry.ts";
import { withInProcessApp } from "../support/in_process.ts";
import { readSse } from "../support/sse_client.ts";

const echo = defineFeature<{ word?: string }>({
  name: "echo-test",
  order: 99,
  schema: z.object({ word: optionalText("word", 20) }),
  settings: { temperature: 0.1, maxTokens: 50 },
  demo: ({ inputs }) => `echo: ${inputs.word}`,
  demoAsked: { en: "a word to echo", ja: "こだまの依頼" },
  shelf: () => "echo-test",
  continues: () => true,
  systemPrompt: () => "Repeat the word.",
  userMessage: (input) => input.word ?? "nothing",
  demoInputs: (input) => ({ word: input.word ?? "" }),
});

const features = new Map([...FEATURES, [echo.name, echo]]);

Deno.test("a throwaway feature, registered and nothing else, is served, validated, stored and cleared", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.script = (request) => ({ chunks: [`said ${request.body.messages!.at(-1)!.content}`] });
    equal((await (await app.post("/api/echo-test", { word: "boo" })).json()).content, "said boo");
    equal((await readSse(await app.request("/api/echo-test-stream?word=moo"))).text, "said moo");
    deepEqual(upstream.requests.at(-1)!.body.messages!.map((m) => m.content), [
      "Repeat the word.",
      "boo",
      "said boo",
      "moo",
    ]);
    const bad = await app.post("/api/echo-test", { word: "x".repeat(21) });
    equal(bad.status, 400);
    equal((await bad.json()).field, "word");
    deepEqual(await (await app.request("/api/history/echo-test", { method: "DELETE" })).json(), {
      cleared: "echo-test",
    });
  }, { features });
});

Deno.test("the demo model answers a new feature with the feature's own demo", () => {
  equal(
    composeDemoAnswer(
      { feature: "echo-test", language: "en", inputs: { word: "hi" } },
      "hi",
      Math.random,
      "",
      features,
    ),
    "echo: hi",
  );
});
