import { z } from "zod";
import { triviaSystemPrompt, triviaUserMessage } from "./prompt.ts";
import { defineFeature } from "../feature.ts";
import { demoAnswer } from "./demo.ts";
import { optionalText } from "../fields.ts";
import { LONG_TEXT_MAX } from "../../shared/contract.ts";

export const triviaSchema = z.object({ question: optionalText("question", LONG_TEXT_MAX) });

export const triviaBot = defineFeature<z.output<typeof triviaSchema>>({
  name: "trivia-bot",
  schema: triviaSchema,
  order: 2,
  settings: { temperature: 0.7, maxTokens: 4000 },
  shelf: () => "trivia-bot",
  continues: () => true,
  systemPrompt: (_input, language) => triviaSystemPrompt(language),
  userMessage: (input, language) => triviaUserMessage(input.question, language),
  demo: demoAnswer,
  demoAsked: { en: "a question about Halloween", ja: "ハロウィンについての質問" },
  demoInputs: (input) => ({ question: input.question ?? "" }),
  title: (input, language) => input.question || (language === "ja" ? "ハロウィン豆知識" : "Halloween trivia"),
});

export default triviaBot;
