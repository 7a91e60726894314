import type { GenerationSettings } from "../llm/types.ts";
import type { FeatureName } from "./feature.ts";

/** Generation settings for every feature, in one place. */
export const GENERATION_SETTINGS: Record<FeatureName, GenerationSettings> = {
  "character-chat": { temperature: 0.8, maxTokens: 400 },
  "trivia-bot": { temperature: 0.7, maxTokens: 600 },
  "story-generator": { temperature: 0.9, maxTokens: 1600 },
  "spell-generator": { temperature: 1.0, maxTokens: 300 },
  "monster-diagnostic": { temperature: 0.8, maxTokens: 600 },
};
