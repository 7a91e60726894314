/**
 * What a reader does with answers, in a real Chromium: markdown where a model writes, Copy,
 * Regenerate, a failed turn still there with Retry after a reload, and the place kept across one.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { RunningApp } from "../support/app_server.ts";
import { openApp, withBrowserApp } from "../support/browser.ts";
import type { FakeUpstream } from "../support/fake_upstream.ts";

const withBrowser = (body: (browser: Browser, app: RunningApp, upstream: FakeUpstream) => Promise<void>) =>
  withBrowserApp({ OPENAI_API_KEY: "sk-browser" }, body);

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

async function send(page: Page, message: string) {
  await page.fill("#chat-message-input", message);
  await page.click("#chat-submit");
}

async function finished(page: Page) {
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".streaming-indicator")].every((el) => (el as HTMLElement).hidden)
  );
}

const MARKDOWN_ANSWER = [
  "## Castle rules\n\n",
  "Never **open** the *red* door.\n\n",
  "- garlic\n- mirrors\n\n",
  "| room | danger |\n|---|---|\n| crypt | high |\n\n",
  "```js\nconst bite = () => 1;\n```\n\n",
  "> Beware.\n\n",
  '<img src=x onerror="window.__pwned=1"> [safe](https://example.com) [bad](javascript:alert(1))',
];

browserTest("chat answers render as markdown while they stream, with raw HTML inert", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ chunks: MARKDOWN_ANSWER, delayMs: 40 });
    const page = await openApp(browser, app.url);
    await send(page, "Rules?");
    // Mid-stream: the heading is already a heading.
    await page.waitForSelector("#streaming-bubble h2");
    await finished(page);
    const bubble = "#panel-character-chat .bubble.assistant";
    equal(await page.textContent(`${bubble} h2`), "Castle rules");
    equal(await page.textContent(`${bubble} strong`), "open");
    equal(await page.locator(`${bubble} li`).count(), 2);
    equal(await page.textContent(`${bubble} td`), "crypt");
    equal((await page.textContent(`${bubble} pre code`))?.trim(), "const bite = () => 1;");
    equal(await page.textContent(`${bubble} blockquote`), "Beware.");
    equal(await page.locator(`${bubble} img, ${bubble} script`).count(), 0);
    match((await page.textContent(bubble))!, /<img src=x/, "raw HTML shows as text");
    equal(await page.getAttribute(`${bubble} a`, "href"), "https://example.com");
    equal(await page.locator(`${bubble} a[href^="javascript"]`).count(), 0);
    equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    // After a reload the stored answer renders the same way.
    await page.reload();
    await page.waitForSelector(`${bubble} table`);
    equal(await page.textContent(`${bubble} h2`), "Castle rules");
  });
});

browserTest("a code block shows its language and its own Copy, which copies the code alone", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ chunks: ["Try this:\n\n```ts\n", "const bats = 3;\n", "```\n\nAnd <b>this</b>."] });
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await send(page, "Code please");
    await finished(page);
    const block = page.locator("#panel-character-chat .code-block");
    equal(await block.locator(".code-language").textContent(), "ts");
    await block.locator(".btn-copy-code").click();
    equal(await page.evaluate(() => navigator.clipboard.readText()), "const bats = 3;\n");
    equal(await block.locator(".btn-copy-code").textContent(), "Copied");
    equal(await page.locator("#panel-character-chat .bubble.assistant b").count(), 0, "markup stays inert");
  });
});

browserTest("Copy puts the answer's markdown source on the clipboard and says Copied", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ chunks: ["**Bold** ", "words."] });
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await send(page, "Hi");
    await finished(page);
    await page.click("#panel-character-chat .btn-copy");
    equal(await page.textContent("#panel-character-chat .btn-copy"), "Copied");
    equal(await page.evaluate(() => navigator.clipboard.readText()), "**Bold** words.");
    await page.waitForFunction(
      () => document.querySelector("#panel-character-chat .btn-copy")?.textContent === "Copy",
      undefined,
      { timeout: 5000 },
    );
  });
});

browserTest("Regenerate replaces the last answer, here and in the stored conversation", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ chunks: ["First take."] }, { chunks: ["Second take."] });
    const page = await openApp(browser, app.url);
    await send(page, "Tell me");
    await finished(page);
    await page.click("#panel-character-chat .btn-regenerate");
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "Second take."
    );
    await finished(page);
    deepEqual(await page.locator("#panel-character-chat .bubble .text").allTextContents(), [
      "Tell me",
      "Second take.",
    ]);
    equal(upstream.requests.at(-1)!.body.messages!.length, 2, "the old answer is not sent as context");
    await page.reload();
    await page.waitForSelector("#panel-character-chat .bubble.assistant");
    deepEqual(await page.locator("#panel-character-chat .bubble .text").allTextContents(), [
      "Tell me",
      "Second take.",
    ]);
    // Only the last answer offers Regenerate.
    upstream.use({ chunks: ["Third."] });
    await send(page, "More");
    await finished(page);
    equal(await page.locator("#panel-character-chat .btn-regenerate").count(), 1);
  });
});

browserTest("a failed turn keeps its error and Retry after a reload, and Retry answers it", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ status: 401 });
    const page = await openApp(browser, app.url);
    await send(page, "Are you there?");
    await page.waitForSelector(".alert-error");
    await page.reload();
    await page.waitForSelector("#panel-character-chat .bubble.assistant .alert-error");
    match((await page.textContent("#panel-character-chat .alert-error"))!, /API key/);
    upstream.use({ chunks: ["Here I am."] });
    await page.click("#panel-character-chat .alert-error button");
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "Here I am."
    );
    await finished(page);
    deepEqual(await page.locator("#panel-character-chat .bubble .text").allTextContents(), [
      "Are you there?",
      "Here I am.",
    ]);
    equal(await page.locator("#panel-character-chat .alert-error").count(), 0);
    await page.reload();
    await page.waitForSelector("#panel-character-chat .bubble.assistant");
    equal(
      await page.locator("#panel-character-chat .alert-error").count(),
      0,
      "the retry replaced the failure",
    );
  });
});

browserTest("a reload keeps the tab, the character and what was typed", async () => {
  await withBrowser(async (browser, app) => {
    const page = await openApp(browser, app.url);
    await page.selectOption("#chat-character", "witch");
    await page.fill("#chat-message-input", "half-typed question");
    await page.click('[data-feature="story-generator"]');
    await page.fill("#story-name", "Mina");
    await page.fill("#story-theme", "a locked attic");
    await page.selectOption("#story-style", "parody");
    match(page.url(), /tab=story-generator/);
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    equal(await page.getAttribute('[data-feature="story-generator"]', "aria-selected"), "true");
    await page.waitForFunction(() =>
      (document.querySelector("#story-name") as HTMLInputElement).value === "Mina"
    );
    equal(await page.inputValue("#story-theme"), "a locked attic");
    equal(await page.inputValue("#story-style"), "parody");
    await page.click('[data-feature="character-chat"]');
    equal(await page.inputValue("#chat-character"), "witch");
    equal(await page.inputValue("#chat-message-input"), "half-typed question");
  });
});

browserTest("each message keeps the language it was written in, and Stop is announced", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ chunks: ["Good evening."] }, {
      chunks: Array.from({ length: 60 }, (_, i) => `語${i}`),
      delayMs: 40,
    });
    const page = await openApp(browser, app.url);
    await send(page, "Hello");
    await finished(page);
    await page.selectOption("#language-select", "ja");
    await send(page, "こんばんは");
    await page.waitForFunction(() =>
      (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 6
    );
    await page.click('.send-place [data-action="stop"]');
    await page.waitForFunction(() =>
      document.querySelector("#panel-character-chat .announcer")?.textContent === "停止しました。"
    );
    deepEqual(
      await page.locator("#panel-character-chat .bubble").evaluateAll((items) =>
        items.map((item) => item.getAttribute("lang"))
      ),
      ["en", "en", "ja", "ja"],
    );
    ok(await page.locator(".btn-continue").isVisible(), "Continue is offered after Stop");
  });
});

browserTest("an answer stopped before a reload can still be continued after it", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.use({ chunks: Array.from({ length: 60 }, (_, i) => `p${i} `), delayMs: 40 });
    const page = await openApp(browser, app.url);
    await send(page, "Go on and on");
    await page.waitForFunction(() =>
      (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 12
    );
    await page.click('.send-place [data-action="stop"]');
    await page.waitForSelector("#panel-character-chat .btn-continue");
    await page.waitForTimeout(200); // the stopped answer is stored
    await page.reload();
    const bubble = "#panel-character-chat .bubble.assistant .text";
    await page.waitForSelector("#panel-character-chat .bubble.assistant .btn-continue");
    const partial = (await page.textContent(bubble))!;
    upstream.use({ chunks: ["and ", "the end."] });
    await page.click("#panel-character-chat .btn-continue");
    await page.waitForFunction(
      (text) => document.querySelector("#streaming-bubble")?.textContent === text,
      `${partial} and the end.`.replace("  ", " "),
    ).catch(async () => {
      throw new Error(`bubble: ${await page.textContent("#streaming-bubble")} (partial ${partial})`);
    });
    await finished(page);
    match(
      upstream.requests.at(-1)!.body.messages!.at(-1)!.content,
      /Continue/,
      "the model is asked to go on",
    );
    await page.reload();
    await page.waitForSelector(bubble);
    match((await page.textContent(bubble))!, /and the end\.$/);
    equal(await page.locator("#panel-character-chat .btn-continue").count(), 0, "finished now");
  });
});
