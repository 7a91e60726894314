import { equal, notEqual, ok } from "node:assert/strict";
import { demoAnswer } from "./demo.ts";

const story = (language: "en" | "ja", style: string, theme: string, seed = 0.99) =>
  demoAnswer({ inputs: { name: "Mina", theme, style }, language, lastUserMessage: "", random: () => seed });

const count = (text: string, part: string) => text.split(part).length - 1;

Deno.test("a demo story names its theme once, naturally, and calls it back in its style's own words", () => {
  for (const style of ["gothic", "parody", "classic"]) {
    const en = story("en", style, "a locked attic");
    equal(count(en, "a locked attic"), 1, en);
    ok(/^# .+\n\n/.test(en) && !en.split("\n")[0].includes("attic"), "a title of its own");
    ok(en.split("\n\n").slice(1).every((p) => /^[A-Z"]/.test(p)), en);
    const ja = story("ja", style, "鍵のかかった屋根裏");
    equal(count(ja, "鍵のかかった屋根裏"), 1, ja);
  }
});

Deno.test("demo stories differ by style", () => {
  const [gothic, parody, classic] = ["gothic", "parody", "classic"].map((style) => story("en", style, "fog"));
  notEqual(gothic, parody);
  notEqual(parody, classic);
  notEqual(gothic, classic);
});
