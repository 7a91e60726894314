import { equal, ok } from "node:assert/strict";
import { demoAnswer } from "./demo.ts";

Deno.test("demo trivia never tells a fact twice in a conversation, and says when it has told them all", () => {
  for (const language of ["en", "ja"] as const) {
    const said: string[] = [];
    const facts = new Set<string>();
    for (let turn = 0; turn < 6; turn++) {
      const answer = demoAnswer({
        inputs: {},
        language,
        lastUserMessage: language === "ja" ? "もっと教えて" : "Tell me more",
        previousAnswer: said.at(-1) ?? "",
        earlierAnswers: said.join("\n"),
        random: Math.random,
      });
      for (const line of answer.split("\n").filter((l) => /^(Fact|豆知識):/.test(l))) {
        ok(!facts.has(line), `${language}: told twice: ${line}`);
        facts.add(line);
      }
      said.push(answer);
    }
    equal(facts.size, 5, `${language}: every fact, once`);
    ok(/quiz|クイズ/.test(said.at(-1)!), said.at(-1));
  }
});
