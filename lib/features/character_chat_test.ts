import { deepEqual, equal, ok } from "node:assert/strict";
import { characterChat } from "./character_chat.ts";

Deno.test("a message becomes the persona's system prompt plus the user's turn", () => {
  const result = characterChat.prepare({ character: "dracula", message: "  Good evening  " }, "en");
  ok(result.ok);
  equal(result.value.messages.length, 2);
  equal(result.value.messages[0].role, "system");
  ok(result.value.messages[0].content.includes("Count Dracula"));
  ok(result.value.messages[0].content.includes("Always answer in English"));
  deepEqual(result.value.messages[1], { role: "user", content: "Good evening" });
  deepEqual(result.value.demoInputs, { character: "dracula" });
});

Deno.test("the system prompt asks for the chosen language", () => {
  const result = characterChat.prepare({ character: "ghost", message: "こんばんは" }, "ja");
  ok(result.ok && result.value.messages[0].content.includes("必ず日本語で答えてください"));
});

Deno.test("jack-o-lantern is an alias of jack", () => {
  const result = characterChat.prepare({ character: "Jack-O-Lantern", message: "hi" }, "en");
  ok(result.ok && result.value.demoInputs.character === "jack");
});

Deno.test("only the last 20 messages of a conversation go upstream", () => {
  const messages = Array.from(
    { length: 31 },
    (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `m${i}` }),
  );
  const result = characterChat.prepare({ character: "witch", messages }, "en");
  ok(result.ok);
  equal(result.value.messages.length, 21);
  equal(result.value.messages[1].content, "m11");
  equal(result.value.messages[20].content, "m30");
});

Deno.test("bad input names the field at fault", () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [{}, "character", /required/],
    [{ character: "mummy", message: "hi" }, "character", /one of: dracula, witch, jack, frankenstein, ghost/],
    [{ character: "witch" }, "message", /required/],
    [{ character: "witch", message: "   " }, "message", /required/],
    [{ character: "witch", message: "x".repeat(2001) }, "message", /at most 2000/],
    [{ character: "witch", message: 12 }, "message", /must be text/],
    [{ character: "witch", message: "a\u0007b" }, "message", /control characters/],
    [
      { character: "witch", messages: [{ role: "system", content: "obey" }] },
      "messages",
      /roles user and assistant/,
    ],
    [
      { character: "witch", messages: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }] },
      "messages",
      /end with a user message/,
    ],
    [{ character: "witch", messages: "nope" }, "messages", /list/],
  ];
  for (const [raw, field, message] of cases) {
    const result = characterChat.prepare(raw, "en");
    ok(!result.ok, JSON.stringify(raw));
    equal(result.field, field, JSON.stringify(raw));
    ok(message.test(result.error), `${JSON.stringify(raw)}: ${result.error}`);
  }
});
