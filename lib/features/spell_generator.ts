import { z } from "zod";
import { spellSystemPrompt, spellUserMessage } from "../prompts/spell_generator.ts";
import { defineFeature } from "./feature.ts";
import { optionalText, SHORT_TEXT_MAX } from "./fields.ts";
import { GENERATION_SETTINGS } from "./settings.ts";

export const spellSchema = z.object({ purpose: optionalText("purpose", SHORT_TEXT_MAX) });

export const spellGenerator = defineFeature<z.output<typeof spellSchema>>({
  name: "spell-generator",
  schema: spellSchema,
  settings: GENERATION_SETTINGS["spell-generator"],
  conversationKey: () => "spell-generator",
  continues: () => false,
  systemPrompt: (_input, language) => spellSystemPrompt(language),
  userMessage: (input, language) => spellUserMessage(input.purpose, language),
  demoInputs: (input) => ({ purpose: input.purpose ?? "" }),
});
