import { equal, ok } from "node:assert/strict";
import { FEATURE_NAMES } from "../shared/contract.ts";
import { FEATURES } from "./registry.ts";

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

const valid: Record<string, Record<string, unknown>> = {
  "character-chat": { character: "ghost", message: "Hello" },
  "trivia-bot": { question: "Why pumpkins?" },
  "story-generator": { name: "Mina", theme: "a locked attic", style: "gothic" },
  "spell-generator": { purpose: "finding lost keys" },
  "monster-diagnostic": {
    favorite_food: "garlic bread",
    sleep_schedule: "noon to dusk",
    hobby: "organ music",
    fear: "mirrors",
  },
};

Deno.test("every feature is served, with settings from its own definition", () => {
  for (const name of FEATURE_NAMES) {
    equal(FEATURES.get(name)!.name, name);
    const { temperature, maxTokens } = FEATURES.get(name)!.settings;
    ok(
      temperature > 0 && temperature <= 1.2 && maxTokens > 0,
      `${name}: its definition sets how it is asked`,
    );
  }
});

Deno.test("every feature's prompt asks for the request's language", () => {
  for (const name of FEATURE_NAMES) {
    const en = FEATURES.get(name)!.prepare(valid[name], "en");
    const ja = FEATURES.get(name)!.prepare(valid[name], "ja");
    ok(en.ok && ja.ok, name);
    ok(!JAPANESE.test(en.value.system) && en.value.system.includes("English"), `${name} en`);
    ok(JAPANESE.test(ja.value.system) && ja.value.system.includes("日本語"), `${name} ja`);
  }
});

Deno.test("trivia may be asked nothing: then the bot offers a fact or a quiz", () => {
  const result = FEATURES.get("trivia-bot")!.prepare({}, "en");
  ok(result.ok && /fact|quiz/i.test(result.value.user));
  ok(result.ok && result.value.continues);
});

Deno.test("a story defaults to the classic style and starts afresh", () => {
  const result = FEATURES.get("story-generator")!.prepare({ name: "Mina", theme: "fog" }, "en");
  ok(result.ok);
  ok(result.value.user.includes("classic ghost story") && result.value.user.includes('"Mina"'));
  equal(result.value.continues, false);
});

Deno.test("a spell's purpose is optional", () => {
  ok(FEATURES.get("spell-generator")!.prepare({}, "ja").ok);
});

Deno.test("a monster diagnosis starts afresh; a follow-up question continues it and needs one", () => {
  const diagnosis = FEATURES.get("monster-diagnostic")!.prepare(valid["monster-diagnostic"], "en");
  ok(diagnosis.ok && !diagnosis.value.continues && diagnosis.value.user.includes("garlic bread"));
  const followUp = FEATURES.get("monster-diagnostic")!.prepare({ question: "Can I walk in daylight?" }, "en");
  ok(followUp.ok && followUp.value.continues && followUp.value.needsEarlierAnswer?.field === "question");
});

Deno.test("bad input for each feature names the field", () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ["trivia-bot", { question: "q".repeat(2001) }, "question", /at most 2000/],
    ["trivia-bot", { question: ["x"] }, "question", /must be text/],
    ["story-generator", { theme: "fog" }, "name", /name is required/],
    ["story-generator", { name: "Mina" }, "theme", /theme is required/],
    ["story-generator", { name: "n".repeat(201), theme: "fog" }, "name", /at most 200/],
    ["story-generator", { name: "Mina", theme: "fog", style: "noir" }, "style", /gothic, parody, classic/],
    ["spell-generator", { purpose: "p".repeat(201) }, "purpose", /at most 200/],
    ["monster-diagnostic", {}, "favorite_food", /required/],
    ["monster-diagnostic", { ...valid["monster-diagnostic"], fear: "" }, "fear", /fear is required/],
    [
      "monster-diagnostic",
      { ...valid["monster-diagnostic"], hobby: "h".repeat(201) },
      "hobby",
      /at most 200/,
    ],
    ["monster-diagnostic", { question: "  " }, "question", /question is required/],
  ];
  for (const [name, raw, field, message] of cases) {
    const result = FEATURES.get(name)!.prepare(raw, "en");
    ok(!result.ok, `${name} ${JSON.stringify(raw)}`);
    equal(result.field, field, `${name} ${JSON.stringify(raw)}`);
    ok(message.test(result.error), `${name}: ${result.error}`);
  }
});
