// Written by `deno task build` from the folders in lib/features/: do not edit.
import type { Feature } from "./feature.ts";
import characterChat from "./character_chat/mod.ts";
import triviaBot from "./trivia_bot/mod.ts";
import storyGenerator from "./story_generator/mod.ts";
import spellGenerator from "./spell_generator/mod.ts";
import monsterDiagnostic from "./monster_diagnostic/mod.ts";

export const FEATURE_DEFINITIONS: Feature[] = [
  characterChat,
  triviaBot,
  storyGenerator,
  spellGenerator,
  monsterDiagnostic,
];
