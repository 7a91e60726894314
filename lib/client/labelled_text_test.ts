import { deepEqual } from "node:assert/strict";
import { parseLabelled } from "./labelled_text.ts";

const labels = {
  type: ["Monster Type:", "モンスタータイプ:"],
  analysis: ["Analysis:", "分析:"],
  fact: ["Fun Fact:", "豆知識:"],
};

Deno.test("labelled lines split into their parts, in either language", () => {
  deepEqual(parseLabelled("Monster Type: Vampire\nAnalysis: You love the night.\nFun Fact: Bats.", labels), {
    type: "Vampire",
    analysis: "You love the night.",
    fact: "Bats.",
  });
  deepEqual(parseLabelled("モンスタータイプ：狼男\n分析: 満月が好き。\n豆知識: 古英語。", labels), {
    type: "狼男",
    analysis: "満月が好き。",
    fact: "古英語。",
  });
});

Deno.test("partial text mid-stream gives the parts seen so far", () => {
  deepEqual(parseLabelled("Monster Type: Vam", labels), { type: "Vam" });
  deepEqual(parseLabelled("**Monster Type:** Ghost\nAnalys", labels), { type: "Ghost\nAnalys" });
  deepEqual(parseLabelled("No labels at all", labels), {});
});
