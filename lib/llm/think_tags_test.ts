import { deepEqual } from "node:assert/strict";
import { ThinkSplitter } from "./think_tags.ts";

function split(pieces: string[]): { reasoning: string; content: string } {
  const splitter = new ThinkSplitter();
  const out = { reasoning: "", content: "" };
  for (const piece of [...pieces.map((p) => splitter.push(p)), splitter.end()]) {
    out.reasoning += piece.reasoning;
    out.content += piece.content;
  }
  return out;
}

Deno.test("an inline <think> block becomes thinking, wherever the deltas split its tags", () => {
  const text = "<think>The user wants a bat.\nBats are small.</think>\n\nHere is a bat: 🦇";
  for (let a = 1; a < text.length; a++) {
    for (const b of [a + 1, a + 5, a + 13]) {
      deepEqual(split([text.slice(0, a), text.slice(a, b), text.slice(b)]), {
        reasoning: "The user wants a bat.\nBats are small.",
        content: "Here is a bat: 🦇",
      }, `split at ${a}, ${b}`);
    }
  }
});

Deno.test("an answer without a think block is left alone, angle brackets and all", () => {
  deepEqual(split(["<", "b>bold</b> and <thinking>"]), {
    reasoning: "",
    content: "<b>bold</b> and <thinking>",
  });
  deepEqual(split(["  Hello"]), { reasoning: "", content: "  Hello" });
});

Deno.test("a think block that never closes is all thinking", () => {
  deepEqual(split(["<think>still ", "pondering </thi"]), { reasoning: "still pondering </thi", content: "" });
});
