import { z } from "zod";
import { spellSystemPrompt, spellUserMessage } from "./prompt.ts";
import { defineFeature } from "../feature.ts";
import { demoAnswer } from "./demo.ts";
import { optionalText } from "../fields.ts";
import { SHORT_TEXT_MAX } from "../../shared/contract.ts";

export const spellSchema = z.object({ purpose: optionalText("purpose", SHORT_TEXT_MAX) });

export const spellGenerator = defineFeature<z.output<typeof spellSchema>>({
  name: "spell-generator",
  schema: spellSchema,
  order: 4,
  settings: { temperature: 1.0, maxTokens: 3000 },
  shelf: () => "spell-generator",
  continues: () => false,
  systemPrompt: (_input, language) => spellSystemPrompt(language),
  userMessage: (input, language) => spellUserMessage(input.purpose, language),
  demo: demoAnswer,
  demoAsked: { en: "a spell to invent", ja: "呪文の依頼" },
  demoInputs: (input) => ({ purpose: input.purpose ?? "" }),
  title: (input, language) =>
    input.purpose || (language === "ja" ? "どんな願いにも効く呪文" : "A spell for anything"),
});

export default spellGenerator;
