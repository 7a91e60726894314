import { deepEqual } from "node:assert/strict";
import { splitFinished } from "./markdown_blocks.ts";

Deno.test("finished blocks end at the last blank line; the tail is still growing", () => {
  deepEqual(splitFinished("# Title\n\nOne para.\n\nTwo pa"), {
    finished: "# Title\n\nOne para.\n\n",
    tail: "Two pa",
  });
  deepEqual(splitFinished("Just a start"), { finished: "", tail: "Just a start" });
  deepEqual(splitFinished("A\n\n"), { finished: "A\n\n", tail: "" });
});

Deno.test("a blank line inside an unclosed code fence is not a cut", () => {
  deepEqual(splitFinished("Intro\n\n```\ncode\n\nmore code"), {
    finished: "Intro\n\n",
    tail: "```\ncode\n\nmore code",
  });
  deepEqual(splitFinished("```\na\n\nb\n```\n\nAfter"), { finished: "```\na\n\nb\n```\n\n", tail: "After" });
});

Deno.test("finished text only grows as more arrives", () => {
  const full = "# T\n\nOne.\n\n- a\n- b\n\n```\nx\n\ny\n```\n\nEnd **bold**.";
  let previous = "";
  for (let i = 0; i <= full.length; i++) {
    const { finished, tail } = splitFinished(full.slice(0, i));
    deepEqual(finished + tail, full.slice(0, i));
    deepEqual(finished.startsWith(previous), true, `at ${i}`);
    previous = finished;
  }
});
