import { equal } from "node:assert/strict";
import { SecretRedactor } from "./redact.ts";

const KEY = "sk-test-0123456789abcdef";

function through(pieces: string[]): { sent: string[]; text: string } {
  const redactor = new SecretRedactor(KEY);
  const sent = pieces.map((piece) => redactor.push(piece));
  sent.push(redactor.end());
  return { sent, text: sent.join("") };
}

Deno.test("a secret is replaced wherever the deltas split it", () => {
  const text = `Your key is ${KEY}, and again ${KEY}.`;
  for (let a = 1; a < text.length - 1; a++) {
    for (const b of [a + 1, a + 7, a + 20]) {
      const pieces = [text.slice(0, a), text.slice(a, b), text.slice(b)];
      equal(through(pieces).text, "Your key is [redacted], and again [redacted].", `split at ${a}, ${b}`);
    }
  }
});

Deno.test("text that only looks like the secret's start is held back one delta, then sent whole", () => {
  const { sent, text } = through(["Tasks: sk", "-test-0 is not it"]);
  equal(sent[0], "Tasks: ");
  equal(text, "Tasks: sk-test-0 is not it");
});

Deno.test("ordinary text passes at once", () => {
  const { sent } = through(["Good ", "evening"]);
  equal(sent[0], "Good ");
  equal(sent[1], "evening");
});
