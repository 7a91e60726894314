import { z } from "zod";
import { STORY_STYLES, storySystemPrompt, storyUserMessage } from "./prompt.ts";
import { defineFeature } from "../feature.ts";
import { demoAnswer } from "./demo.ts";
import { choice, requiredText } from "../fields.ts";
import { SHORT_TEXT_MAX } from "../../shared/contract.ts";

export const storySchema = z.object({
  name: requiredText("name", SHORT_TEXT_MAX),
  theme: requiredText("theme", SHORT_TEXT_MAX),
  style: choice("style", STORY_STYLES).optional().transform((style) => style ?? "classic"),
});

export const storyGenerator = defineFeature<z.output<typeof storySchema>>({
  name: "story-generator",
  schema: storySchema,
  order: 3,
  settings: { temperature: 0.9, maxTokens: 8000 },
  shelf: () => "story-generator",
  continues: () => false,
  systemPrompt: (_input, language) => storySystemPrompt(language),
  userMessage: (input, language) => storyUserMessage(input, language),
  demo: demoAnswer,
  demoAsked: { en: "a story to write", ja: "物語の依頼" },
  demoInputs: (input) => ({ name: input.name, theme: input.theme, style: input.style }),
  title: (input) => `${input.name} · ${input.theme}`,
});

export default storyGenerator;
