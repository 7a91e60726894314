// Written by `deno task build` from the folders in lib/features/: do not edit.
import type { PanelEntry } from "./panel.ts";
import characterChat from "./character_chat/panel.tsx";
import triviaBot from "./trivia_bot/panel.tsx";
import storyGenerator from "./story_generator/panel.tsx";
import spellGenerator from "./spell_generator/panel.tsx";
import monsterDiagnostic from "./monster_diagnostic/panel.tsx";

export const PANELS: PanelEntry[] = [
  characterChat,
  triviaBot,
  storyGenerator,
  spellGenerator,
  monsterDiagnostic,
];
