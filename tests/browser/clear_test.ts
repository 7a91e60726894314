/** Deleting one conversation at a time, with Undo; clearing every character is its own action. */
import { equal, ok } from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { RunningApp } from "../support/app_server.ts";
import { openApp, withBrowserApp } from "../support/browser.ts";
import type { FakeUpstream } from "../support/fake_upstream.ts";

function test(
  name: string,
  fn: (browser: Browser, app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) {
  Deno.test({ name, fn: () => withBrowserApp({}, fn), sanitizeOps: false, sanitizeResources: false });
}

async function chat(page: Page, character: string, message: string) {
  await page.selectOption("#chat-character", character);
  await page.fill("#chat-message-input", message);
  await page.click("#chat-submit");
  await page.waitForSelector(".streaming-indicator", { state: "hidden" });
}

const bubbles = (page: Page) => page.locator("#panel-character-chat .bubble").count();

test(
  "Delete takes a chat away at once, Undo brings it back, and the server forgets only what was not undone",
  async (browser, app, upstream) => {
    upstream.use({ chunks: ["Answer."] });
    const page = await openApp(browser, app.url);
    await chat(page, "witch", "Hello witch");
    await chat(page, "ghost", "Hello ghost");
    const item = page.locator("#panel-character-chat .conversation-item");
    await item.getByRole("button", { name: "Delete “Hello ghost”" }).click();
    equal(await bubbles(page), 0, "the ghost's chat is gone from view");
    equal(await item.count(), 0, "and from the list");
    ok((await page.textContent(".note.undo"))?.includes("Hello ghost"));
    await page.click(".note.undo .btn");
    equal(await bubbles(page), 2, "Undo brought it back");
    await page.selectOption("#chat-character", "witch");
    await item.getByRole("button", { name: "Delete “Hello witch”" }).click();
    await page.waitForSelector(".note.undo", { state: "hidden", timeout: 10_000 });
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await page.selectOption("#chat-character", "witch");
    equal(await bubbles(page), 0, "the witch's chat was forgotten by the server");
    equal(await item.count(), 0);
    await page.selectOption("#chat-character", "ghost");
    equal(await bubbles(page), 2, "the ghost's was kept");
  },
);

test("clearing every character asks first", async (browser, app, upstream) => {
  upstream.use({ chunks: ["Answer."] });
  const page = await openApp(browser, app.url);
  await chat(page, "witch", "Hello");
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.click(".clear-all .btn");
  ok(asked.includes("every character"), asked);
  equal(await bubbles(page), 2, "dismissed: nothing cleared");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.click(".clear-all .btn");
  await page.waitForFunction(() => document.querySelectorAll("#panel-character-chat .bubble").length === 0);
});
