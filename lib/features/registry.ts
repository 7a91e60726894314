import { characterChat } from "./character_chat.ts";
import { type Feature, type FeatureName, isFeatureName } from "./feature.ts";
import { monsterDiagnostic } from "./monster_diagnostic.ts";
import { spellGenerator } from "./spell_generator.ts";
import { storyGenerator } from "./story_generator.ts";
import { triviaBot } from "./trivia_bot.ts";

/** Every feature the API serves. */
export const FEATURES: Record<FeatureName, Feature> = {
  "character-chat": characterChat,
  "trivia-bot": triviaBot,
  "story-generator": storyGenerator,
  "spell-generator": spellGenerator,
  "monster-diagnostic": monsterDiagnostic,
};

export function findFeature(name: string): Feature | undefined {
  return isFeatureName(name) ? FEATURES[name] : undefined;
}
