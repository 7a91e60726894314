/** The chat characters; names come from the dictionaries (`character.<id>`). */
import type { CharacterId } from "../../shared/contract.ts";
export { CHARACTER_IDS, type CharacterId } from "../../shared/contract.ts";

export const CHARACTER_EMOJI: Record<CharacterId, string> = {
  dracula: "🧛",
  witch: "🧙‍♀️",
  jack: "🎃",
  frankenstein: "🧟",
  ghost: "👻",
};

export const CHARACTER_ALIASES: Record<string, CharacterId> = { "jack-o-lantern": "jack" };
