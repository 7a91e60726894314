import { equal } from "node:assert/strict";
import { spokenAnswer, spokenText } from "./spoken_text.ts";

Deno.test("markdown's symbols are not read out", () => {
  equal(spokenText("# The Attic\n\nMina **climbed** the _stairs_."), "The Attic\nMina climbed the stairs.");
  equal(spokenText("- one\n- two\n1. three"), "one\ntwo\nthree");
  equal(spokenText("See [the castle](https://example.com) and `code`."), "See the castle and code.");
  equal(spokenText("> a quote\n\n```js\nx()\n```"), "a quote\nx()");
  equal(spokenText("| a | b |\n|---|---|\n| 1 | 2 |"), "a b\n1 2");
  equal(spokenText("5 * 3 and 2 * 4"), "5 * 3 and 2 * 4", "a lone star is a word, not emphasis");
});

Deno.test("the speaker is named once, even when the answer begins with the same label", () => {
  equal(spokenAnswer("Count Dracula", "Good *evening*."), "Count Dracula: Good evening.");
  equal(spokenAnswer("Spell", "Spell: Lumos\nMeaning: light"), "Spell: Lumos\nMeaning: light");
  equal(spokenAnswer("呪文", "呪文：ルーモス"), "呪文：ルーモス");
});
