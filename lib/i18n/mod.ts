import { type Dictionary, en, type MessageKey } from "./en.ts";
import { ja } from "./ja.ts";

import { isLanguage, type Language } from "../shared/contract.ts";
export type { Dictionary, MessageKey };

export const dictionaries: Record<Language, Dictionary> = { en, ja };

/** Looks up a UI string and fills its `{placeholders}`. */
export function translate(
  language: Language,
  key: MessageKey,
  values: Record<string, string | number> = {},
): string {
  return dictionaries[language][key].replace(
    /\{(\w+)\}/g,
    (_, name: string) => String(values[name] ?? `{${name}}`),
  );
}

/** The first supported language in an Accept-Language header, else English. */
export function languageFromAcceptLanguage(header: string | null | undefined): Language {
  if (!header) return "en";
  const ranked = header.split(",").map((part, index) => {
    const [tag, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
  }).filter((entry) => entry.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const primary = tag.split("-")[0];
    if (isLanguage(primary)) return primary;
  }
  return "en";
}
