import { type MessageKey, translate } from "../lib/i18n/mod.ts";
import type { Language } from "../lib/shared/contract.ts";

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const translators: Partial<Record<Language, Translate>> = {};

/** One stable function per language, so components can compare it to see a language switch. */
export function translator(language: Language): Translate {
  return translators[language] ??= (key, values) => translate(language, key, values);
}
