/** A reasoning model in the page: its thinking folded above the answer, and a cut answer continued. */
import { equal, match, ok } from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { RunningApp } from "../support/app_server.ts";
import { openApp, withBrowserApp } from "../support/browser.ts";
import type { FakeUpstream } from "../support/fake_upstream.ts";

const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const chunk = (delta: unknown, finish: string | null = null) =>
  data({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-oss",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
const DONE = "data: [DONE]\n\n";

function test(
  name: string,
  fn: (browser: Browser, app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) {
  Deno.test({ name, fn: () => withBrowserApp({}, fn), sanitizeOps: false, sanitizeResources: false });
}

async function ask(page: Page, message: string) {
  await page.fill("#chat-message-input", message);
  await page.click("#chat-submit");
}

test(
  "the model's thinking shows folded while it thinks, then folds above the answer, to be opened",
  async (browser, app, upstream) => {
    const thoughts = ["The user ", "greets me ", "at midnight. ", "I should ", "be polite."];
    upstream.script = () => ({
      frames: [
        chunk({ role: "assistant", content: null }),
        ...thoughts.map((text) => chunk({ reasoning_content: text })),
        chunk({ content: "Good evening, " }),
        chunk({ content: "traveller." }),
        chunk({}, "stop"),
        DONE,
      ],
      delayMs: 300,
    });
    const page = await openApp(browser, app.url);
    await ask(page, "Hello");
    const summary = page.locator("#panel-character-chat .bubble.assistant .thinking summary");
    await summary.waitFor();
    match(await summary.textContent() ?? "", /^Thinking… \d+ s$/);
    ok(
      await page.locator(".streaming-indicator .sr-only").count() === 1,
      "the status row's words are for screen readers while the thinking timer is on screen",
    );
    equal(
      await page.locator(".streaming-indicator .dots").isVisible(),
      false,
      "and its dots are not shown either",
    );
    equal(await page.locator("#panel-character-chat .thinking").getAttribute("open"), null, "folded");
    // (While it thinks the row shows nothing, so it counts as hidden already: wait for the answer's end.)
    await page.waitForSelector("#panel-character-chat .streaming-indicator[hidden]", { state: "attached" });
    equal(
      await page.textContent("#panel-character-chat .bubble.assistant .text"),
      "Good evening, traveller.",
    );
    match(await summary.textContent() ?? "", /^Thought for \d+ s$/, "how long it thought");
    await summary.click();
    equal(await page.textContent("#panel-character-chat .thinking-text"), thoughts.join(""));
    // After a reload the thinking is still there, with its answer.
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    equal(
      await page.textContent("#panel-character-chat .bubble.assistant .thinking-text"),
      thoughts.join(""),
    );
    const sent = JSON.stringify(upstream.requests.at(-1)!.body.messages);
    ok(!sent.includes("greets me"), "thinking is never sent back upstream");
  },
);

test(
  "an answer cut at the length limit says so, and Continue goes on in the same bubble",
  async (browser, app, upstream) => {
    upstream.use(
      {
        frames: [
          chunk({ role: "assistant", content: "" }),
          chunk({ content: "Once upon a mid" }),
          chunk({}, "length"),
          DONE,
        ],
      },
      { chunks: ["night dreary."] },
    );
    const page = await openApp(browser, app.url);
    await ask(page, "Tell me a tale");
    const note = page.locator("#panel-character-chat .note", { hasText: "length limit" });
    await note.waitFor();
    await page.click("#panel-character-chat .btn-continue");
    await page.waitForFunction(() =>
      document.querySelector("#panel-character-chat .bubble.assistant:last-child .text")?.textContent ===
        "Once upon a midnight dreary."
    );
    equal(await note.count(), 0, "no longer cut");
    equal(upstream.requests.at(-1)!.body.messages!.at(-2)!.content, "Once upon a mid");
    equal(await page.locator("#panel-character-chat .bubble.assistant").count(), 1, "one answer, grown");
  },
);

test(
  "stopped while it thinks, the bubble says so rather than holding a bare fold",
  async (browser, app, upstream) => {
    upstream.script = () => ({
      frames: [
        chunk({ role: "assistant", content: null }),
        ...Array.from({ length: 40 }, (_, i) => chunk({ reasoning_content: `thought ${i}. ` })),
        chunk({ content: "Too late." }),
        chunk({}, "stop"),
        DONE,
      ],
      delayMs: 100,
    });
    const page = await openApp(browser, app.url);
    await ask(page, "Think hard");
    const summary = page.locator("#panel-character-chat .bubble.assistant .thinking summary");
    await summary.waitFor();
    await page.click('.send-place [data-action="stop"]');
    await page.waitForSelector(".streaming-indicator", { state: "hidden" });
    equal(await summary.textContent(), "Stopped while thinking");
  },
);
