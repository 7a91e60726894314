import { z } from "zod";
import { type MonsterAnswers, monsterSystemPrompt, monsterUserMessage } from "./prompt.ts";
import { LONG_TEXT_MAX, MONSTER_FIELDS, SHORT_TEXT_MAX } from "../../shared/contract.ts";
import { defineFeature } from "../feature.ts";
import { demoAnswer } from "./demo.ts";
import { optionalText } from "../fields.ts";

const ANSWER_FIELDS = MONSTER_FIELDS;

/** Either the four answers (a new diagnosis) or a follow-up `question` about the last one. */
export const monsterSchema = z.object({
  question: optionalText("question", LONG_TEXT_MAX),
  favorite_food: optionalText("favorite_food", SHORT_TEXT_MAX),
  sleep_schedule: optionalText("sleep_schedule", SHORT_TEXT_MAX),
  hobby: optionalText("hobby", SHORT_TEXT_MAX),
  fear: optionalText("fear", SHORT_TEXT_MAX),
}).transform((input, ctx) => {
  if (input.question !== undefined) {
    if (input.question) return { kind: "follow-up" as const, question: input.question };
    ctx.addIssue({ code: "custom", path: ["question"], message: "question is required" });
    return z.NEVER;
  }
  const missing = ANSWER_FIELDS.find((field) => !input[field]);
  if (missing) {
    ctx.addIssue({ code: "custom", path: [missing], message: `${missing} is required` });
    return z.NEVER;
  }
  const answers: MonsterAnswers = {
    favorite_food: input.favorite_food!,
    sleep_schedule: input.sleep_schedule!,
    hobby: input.hobby!,
    fear: input.fear!,
  };
  return { kind: "diagnosis" as const, answers };
});

type MonsterInput = z.output<typeof monsterSchema>;

export const monsterDiagnostic = defineFeature<MonsterInput>({
  name: "monster-diagnostic",
  schema: monsterSchema,
  order: 5,
  settings: { temperature: 0.8, maxTokens: 4000 },
  shelf: () => "monster-diagnostic",
  continues: (input) => input.kind === "follow-up",
  needsEarlierAnswer: (input) =>
    input.kind === "follow-up"
      ? { field: "question", error: "ask for a diagnosis before asking about it" }
      : undefined,
  systemPrompt: (_input, language) => monsterSystemPrompt(language),
  userMessage: (input, language) =>
    input.kind === "follow-up" ? input.question : monsterUserMessage(input.answers, language),
  demo: demoAnswer,
  demoAsked: { en: "a monster diagnosis", ja: "モンスター診断" },
  title: (input) =>
    input.kind === "follow-up"
      ? input.question
      : ANSWER_FIELDS.map((field) => input.answers[field]).join(" · "),
  demoInputs: (input): Record<string, string> =>
    input.kind === "follow-up" ? { question: input.question } : { ...input.answers },
});

export default monsterDiagnostic;
