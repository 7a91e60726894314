/** Back and Forward bring the page back from the back/forward cache, as it was, without a reload. */
import { equal, ok } from "node:assert/strict";
import { launchBrowser, openApp, withBrowserApp } from "../support/browser.ts";

Deno.test({
  name: "Back after leaving the page restores it from the back/forward cache, its conversation in view",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withBrowserApp({}, async (_browser, app, upstream) => {
      upstream.use({ chunks: ["Good evening."] });
      // Playwright switches the cache off by default: this browser keeps it, as a visitor's does.
      const browser = await launchBrowser({ backForwardCache: true });
      try {
        const page = await openApp(browser, app.url);
        await page.evaluate(() => {
          addEventListener("pageshow", (event) => {
            (globalThis as unknown as { restored: boolean }).restored = event.persisted;
          });
        });
        await page.fill("#chat-message-input", "Hello");
        await page.click("#chat-submit");
        await page.waitForSelector(".streaming-indicator", { state: "hidden" });
        await page.goto(`${app.url}/api/health`);
        await page.goBack({ waitUntil: "commit" });
        await page.waitForFunction(() => "restored" in globalThis);
        ok(
          await page.evaluate(() => (globalThis as unknown as { restored: boolean }).restored),
          "from the cache",
        );
        equal(await page.textContent("#streaming-bubble"), "Good evening.", "as it was left");
      } finally {
        await browser.close();
      }
    }),
});
