import { equal, match, ok } from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { composeDemoAnswer, demoAnswersFor } from "../features/registry.ts";
import { demoTokens } from "./demo_model.ts";
import { createLlm } from "./mod.ts";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** The demo model as the app makes it, paced and configured by `env`. */
function demoLlm(env: Record<string, string>) {
  const config = loadConfig(env);
  return createLlm(config.llm, { ...config.demo, answers: demoAnswersFor() });
}

Deno.test("demo chat answers in the requested language, without quoting the message back", () => {
  const message = "Do vampires really sleep in coffins all day?";
  for (let i = 0; i < 20; i++) {
    const en = composeDemoAnswer({
      feature: "character-chat",
      language: "en",
      inputs: { character: "dracula" },
    }, message);
    ok(!JAPANESE.test(en) && !en.includes(message) && !en.includes('"'), en);
    const ja = composeDemoAnswer(
      { feature: "character-chat", language: "ja", inputs: { character: "ghost" } },
      "月はきれいですか？",
    );
    ok(JAPANESE.test(ja) && !ja.includes("月はきれい"), ja);
  }
  // A greeting is greeted; a question gets an answer, which may name its subject in a word.
  const greeting = composeDemoAnswer({
    feature: "character-chat",
    language: "en",
    inputs: { character: "ghost" },
  }, "Hello!");
  ok(/see me|hello/i.test(greeting), greeting);
  const named = Array.from(
    { length: 30 },
    () =>
      composeDemoAnswer(
        { feature: "character-chat", language: "en", inputs: { character: "witch" } },
        "Where are my keys?",
      ),
  );
  ok(named.every((answer) => !answer.includes("Where are my keys")), named[0]);
});

Deno.test("demo stories are titled right for any theme, and Japanese sets English inputs apart", () => {
  for (let i = 0; i < 20; i++) {
    const en = composeDemoAnswer(
      { feature: "story-generator", language: "en", inputs: { name: "Mina", theme: "a locked attic" } },
      "",
    );
    const title = en.split("\n")[0];
    ok(!/\bThe a\b|\bthe a\b|of Mina$/.test(title) && /^# [A-Z]/.test(title), title);
    const ja = composeDemoAnswer(
      { feature: "story-generator", language: "ja", inputs: { name: "Mina", theme: "a locked attic" } },
      "",
    );
    ok(!/[ぁ-ん]a locked|attic[ぁ-ん]/.test(ja.replace(/「a locked attic」/g, "")), ja);
    ok(ja.includes("「a locked attic」"), ja);
  }
});

Deno.test("demo spells follow their purpose", () => {
  const spell = (purpose: string, language = "en") =>
    composeDemoAnswer({ feature: "spell-generator", language, inputs: { purpose } }, "");
  match(spell("finding my lost keys"), /finding charm for finding my lost keys/);
  match(spell("courage before the play"), /courage/i);
  match(spell("sleeping well"), /dream/i);
  match(spell("making pancakes"), /for making pancakes/);
  match(spell("鍵を見つける", "ja"), /「鍵を見つける」のための探し物/);
});

Deno.test("the demo quiz asks a question, then judges the reply to it", () => {
  const ask = (message: string, previous = "", language = "en") =>
    composeDemoAnswer({ feature: "trivia-bot", language, inputs: {} }, message, Math.random, previous);
  const question = ask("Ask me a Halloween quiz question.");
  match(question, /Quiz question: .+\(a\).+\(b\).+\(c\)/);
  const answer = question.includes("turnips") ? "b" : question.includes("Samhain") ? "c" : "a";
  const wrong = answer === "a" ? "b" : "a";
  match(ask(answer, question), /^Correct!/);
  match(ask(wrong, question), /^Not quite: the answer is \(/);
  match(ask("Tell me a Halloween fact, or ask me a quiz question."), /^Fact: /m, "the opener gets facts");
  const ja = ask("ハロウィンのクイズを一問出してください。", "", "ja");
  match(ja, /クイズ: /);
  match(ask("x", ja, "ja"), /^残念|^正解/);
});

Deno.test("demo answers vary", () => {
  const answers = new Set(
    Array.from(
      { length: 30 },
      () =>
        composeDemoAnswer(
          { feature: "character-chat", language: "en", inputs: { character: "witch" } },
          "What do the stars say about me?",
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
  ok(pieces.map((p) => p.text).join("").length > 40, "a whole reply");
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

Deno.test("asked to go on (Continue), the demo goes on: nothing repeated, no word of the ask", async () => {
  const { composeDemoAnswer } = await import("../features/registry.ts");
  const { GO_ON } = await import("../features/feature.ts");
  for (const language of ["en", "ja"] as const) {
    for (const feature of ["character-chat", "trivia-bot", "story-generator"]) {
      const hints = { feature, language, inputs: { character: "dracula", name: "Mina", theme: "fog" } };
      const first = composeDemoAnswer(hints, "Tell me about your castle", Math.random);
      const sofar = first.slice(0, Math.floor(first.length / 2));
      const more = composeDemoAnswer(hints, GO_ON[language], Math.random, sofar);
      ok(more.trim().length > 0, `${feature} ${language}: it goes on`);
      ok(!/repeat|continue|繰り返|続けて/i.test(more), `${feature} ${language}: no word of the ask: ${more}`);
      ok(!more.includes(sofar.slice(0, 20)), `${feature} ${language}: not the beginning again: ${more}`);
    }
  }
});
