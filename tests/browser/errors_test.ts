/** Honest errors: said at once when the model server is out of reach, and only remedies that can help. */
import { equal, ok } from "node:assert/strict";
import { openApp, withBrowserApp } from "../support/browser.ts";

Deno.test({
  name:
    "with the model server unreachable a quiet banner says so on load, and 'without streaming' is not offered",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withBrowserApp({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "m" }, async (browser, app) => {
      const page = await openApp(browser, app.url);
      await page.waitForSelector(".banner");
      ok((await page.textContent(".banner"))?.includes("cannot be reached"));
      await page.fill("#chat-message-input", "Hello");
      await page.click("#chat-submit");
      await page.waitForSelector(".alert-error", { timeout: 20_000 });
      equal(await page.locator('button:has-text("without streaming")').count(), 0, "it could not help");
      ok(await page.isVisible('button:has-text("Retry")'));
    }),
});

Deno.test({
  name: "while the first word is on its way the bubble shows it is being written, not an empty box",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withBrowserApp({}, async (browser, app, upstream) => {
      upstream.use({ chunks: ["Boo."], firstDelayMs: 1500 });
      const page = await openApp(browser, app.url);
      equal(await page.locator(".banner").count(), 0, "no banner when the model server answers");
      await page.fill("#chat-message-input", "Hello");
      await page.click("#chat-submit");
      await page.waitForSelector("#streaming-bubble .typing");
      equal(await page.getAttribute("#streaming-bubble .typing", "aria-label"), "Writing…");
      await page.waitForFunction(() => document.querySelector("#streaming-bubble")?.textContent === "Boo.");
      equal(await page.locator("#streaming-bubble .typing").count(), 0, "gone with the first word");
    }),
});
