/** The chat characters; names come from the dictionaries (`character.<id>`). */
export const CHARACTER_IDS = ["dracula", "witch", "jack", "frankenstein", "ghost"] as const;
export type CharacterId = typeof CHARACTER_IDS[number];

export const CHARACTER_EMOJI: Record<CharacterId, string> = {
  dracula: "🧛",
  witch: "🧙‍♀️",
  jack: "🎃",
  frankenstein: "🧟",
  ghost: "👻",
};

export const CHARACTER_ALIASES: Record<string, CharacterId> = { "jack-o-lantern": "jack" };
