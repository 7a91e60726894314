// Written by `deno task build` from the folders in lib/features/: do not edit.
export const FEATURE_NAMES = [
  "character-chat",
  "trivia-bot",
  "story-generator",
  "spell-generator",
  "monster-diagnostic",
] as const;
