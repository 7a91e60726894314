import { z } from "zod";
import { STORY_STYLES, storySystemPrompt, storyUserMessage } from "../prompts/story_generator.ts";
import { defineFeature } from "./feature.ts";
import { choice, requiredText, SHORT_TEXT_MAX } from "./fields.ts";
import { GENERATION_SETTINGS } from "./settings.ts";

export const storySchema = z.object({
  name: requiredText("name", SHORT_TEXT_MAX),
  theme: requiredText("theme", SHORT_TEXT_MAX),
  style: choice("style", STORY_STYLES).optional().transform((style) => style ?? "classic"),
});

export const storyGenerator = defineFeature<z.output<typeof storySchema>>({
  name: "story-generator",
  schema: storySchema,
  settings: GENERATION_SETTINGS["story-generator"],
  conversationKey: () => "story-generator",
  continues: () => false,
  systemPrompt: (_input, language) => storySystemPrompt(language),
  userMessage: (input, language) => storyUserMessage(input, language),
  demoInputs: (input) => ({ name: input.name, theme: input.theme, style: input.style }),
});
