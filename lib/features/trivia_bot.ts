import { z } from "zod";
import { triviaSystemPrompt, triviaUserMessage } from "../prompts/trivia_bot.ts";
import { defineFeature } from "./feature.ts";
import { LONG_TEXT_MAX, optionalText } from "./fields.ts";
import { GENERATION_SETTINGS } from "./settings.ts";

export const triviaSchema = z.object({ question: optionalText("question", LONG_TEXT_MAX) });

export const triviaBot = defineFeature<z.output<typeof triviaSchema>>({
  name: "trivia-bot",
  schema: triviaSchema,
  settings: GENERATION_SETTINGS["trivia-bot"],
  conversationKey: () => "trivia-bot",
  continues: () => true,
  systemPrompt: (_input, language) => triviaSystemPrompt(language),
  userMessage: (input, language) => triviaUserMessage(input.question, language),
  demoInputs: (input) => ({ question: input.question ?? "" }),
});
