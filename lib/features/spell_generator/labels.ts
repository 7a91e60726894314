import type { Language } from "../../shared/contract.ts";

/** The labels the prompt asks the model to use, and the page looks for to lay a spell out. */
export const SPELL_LABELS: Record<Language, { spell: string; meaning: string }> = {
  en: { spell: "Spell:", meaning: "Meaning:" },
  ja: { spell: "呪文:", meaning: "意味:" },
};
