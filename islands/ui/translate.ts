import { type Language, type MessageKey, translate } from "../../lib/i18n/mod.ts";

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  return (key, values) => translate(language, key, values);
}
