import { deepEqual, equal, ok } from "node:assert/strict";
import { en } from "./en.ts";
import { ja } from "./ja.ts";
import { languageFromAcceptLanguage, translate } from "./mod.ts";
import { ERROR_CODES } from "../shared/contract.ts";

Deno.test("both dictionaries have exactly the same keys", () => {
  deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
});

Deno.test("every entry is translated and keeps the same placeholders", () => {
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    ok(ja[key].trim().length > 0, `ja ${key} is empty`);
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    deepEqual(placeholders(ja[key]), placeholders(en[key]), `placeholders of ${key}`);
  }
});

Deno.test("translate fills placeholders", () => {
  equal(translate("en", "chat.placeholder", { name: "Count Dracula" }), "Say something to Count Dracula…");
  equal(
    translate("ja", "validation.too_long", { field: "メッセージ", max: 2000 }),
    "メッセージは2000文字以内で入力してください。",
  );
});

Deno.test("Accept-Language picks the best supported language", () => {
  equal(languageFromAcceptLanguage("ja-JP,ja;q=0.9,en;q=0.8"), "ja");
  equal(languageFromAcceptLanguage("fr-FR,ja;q=0.5,en;q=0.7"), "en");
  equal(languageFromAcceptLanguage("fr-FR,ja;q=0.5"), "ja");
  equal(languageFromAcceptLanguage("de"), "en");
  equal(languageFromAcceptLanguage(undefined), "en");
  equal(languageFromAcceptLanguage("ja;q=0"), "en");
});

Deno.test("every error code of the contract has a message in both languages", () => {
  for (const code of ERROR_CODES) {
    ok(`error.${code}` in en, `en has no message for ${code}`);
    ok(`error.${code}` in ja, `ja has no message for ${code}`);
  }
});
