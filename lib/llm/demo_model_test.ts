import { equal, ok } from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { composeDemoAnswer } from "../features/registry.ts";
import { demoTokens } from "./demo_model.ts";
import { createLlm } from "./mod.ts";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** The demo model as the app makes it, paced and configured by `env`. */
function demoLlm(env: Record<string, string>) {
  const config = loadConfig(env);
  return createLlm(config.llm, config.demo);
}

Deno.test("demo chat answers in the requested language, about the user's words", () => {
  const en = composeDemoAnswer({
    feature: "character-chat",
    language: "en",
    inputs: { character: "dracula" },
  }, "the moon");
  ok(!JAPANESE.test(en) && en.includes('"the moon"'), en);
  const ja = composeDemoAnswer(
    { feature: "character-chat", language: "ja", inputs: { character: "ghost" } },
    "月",
  );
  ok(JAPANESE.test(ja) && ja.includes("「月」"), ja);
});

Deno.test("demo answers vary", () => {
  const answers = new Set(
    Array.from(
      { length: 30 },
      () =>
        composeDemoAnswer(
          { feature: "character-chat", language: "en", inputs: { character: "witch" } },
          "hi",
        ),
    ),
  );
  ok(answers.size > 3, `only ${answers.size} distinct answers`);
});

Deno.test("tokens join back into exactly the text", () => {
  for (
    const text of ["Good evening, my dear guest.  Two  spaces", "こんばんは、親愛なる客人よ。🦇 bat", "x"]
  ) {
    equal(demoTokens(text).join(""), text);
    ok(demoTokens(text).length >= 1);
  }
});

Deno.test("the demo model streams through the real SDK path at the configured pace", async () => {
  const llm = demoLlm({ DEMO_FIRST_TOKEN_MS: "50", DEMO_TOKENS_PER_SECOND: "200" });
  const started = performance.now();
  const pieces: Array<{ at: number; text: string }> = [];
  for await (
    const { text } of llm.stream({
      messages: [{ role: "user", content: "hello" }],
      settings: { temperature: 1, maxTokens: 100 },
      hints: { feature: "character-chat", language: "en", inputs: { character: "jack" } },
    })
  ) pieces.push({ at: performance.now() - started, text });
  ok(pieces.length > 5, "streams in many pieces");
  ok(pieces[0].at >= 45, `first token after ~50 ms, got ${pieces[0].at}`);
  ok(pieces.map((p) => p.text).join("").includes('"hello"'));
});

Deno.test("the demo answers every feature in its format and language", () => {
  const inputs: Record<string, Record<string, string>> = {
    "character-chat": { character: "witch" },
    "trivia-bot": {},
    "story-generator": { name: "Mina", theme: "fog", style: "gothic" },
    "spell-generator": {},
    "monster-diagnostic": { favorite_food: "soup", sleep_schedule: "late", hobby: "chess", fear: "sun" },
  };
  const formats: Record<string, Record<string, RegExp>> = {
    "trivia-bot": { en: /^Fact: /m, ja: /^豆知識: /m },
    "story-generator": { en: /^# .+\n\n.+Mina/, ja: /^# .+\n\n.+Mina/ },
    "spell-generator": { en: /^Spell: .+\nMeaning: .+/, ja: /^呪文: .+\n意味: .+/ },
    "monster-diagnostic": {
      en: /^Monster Type: .+\nAnalysis: .*soup.*\nFun Fact: .+/,
      ja: /^モンスタータイプ: .+\n分析: .*soup.*\n豆知識: .+/,
    },
  };
  for (const [feature, values] of Object.entries(inputs)) {
    for (const language of ["en", "ja"]) {
      const text = composeDemoAnswer({ feature, language, inputs: values }, "hello");
      equal(JAPANESE.test(text), language === "ja", `${feature} ${language}: ${text}`);
      if (formats[feature]) ok(formats[feature][language].test(text), `${feature} ${language}: ${text}`);
    }
  }
  const followUp = composeDemoAnswer({
    feature: "monster-diagnostic",
    language: "en",
    inputs: { question: "Sun?" },
  }, "");
  ok(followUp.includes('"Sun?"') && !followUp.includes("Monster Type"));
});

Deno.test("with DEMO_REASONING the demo model thinks first, as llama.cpp sends it, then answers", async () => {
  const llm = demoLlm({ DEMO_FIRST_TOKEN_MS: "0", DEMO_TOKENS_PER_SECOND: "2000", DEMO_REASONING: "true" });
  const request = {
    messages: [{ role: "user" as const, content: "the moon" }],
    settings: { temperature: 1, maxTokens: 100 },
    hints: { feature: "character-chat", language: "en", inputs: { character: "ghost" } },
  };
  const deltas = await Array.fromAsync(llm.stream(request));
  const firstAnswer = deltas.findIndex((d) => d.kind === "content");
  ok(
    firstAnswer > 0 && deltas.slice(0, firstAnswer).every((d) => d.kind === "reasoning"),
    "thinking, then the answer",
  );
  ok(deltas.filter((d) => d.kind === "reasoning").map((d) => d.text).join("").includes('"the moon"'));
  const whole = await llm.complete(request);
  ok(whole.reasoning.length > 0 && whole.content.length > 0);
});
