/** On a 390 px phone, in both languages: every feature within reach, no sideways scrolling, a compact header. */
import { ok } from "node:assert/strict";
import { withBrowserApp } from "../support/browser.ts";

for (const language of ["en", "ja"]) {
  Deno.test({
    name: `on a 390 px phone (${language}) all five features are reachable without sideways scrolling`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () =>
      withBrowserApp({}, async (browser, app) => {
        const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
        await page.goto(`${app.url}/?lang=${language}`);
        await page.waitForFunction(() =>
          document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
        );
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        ok(width <= 390, `the page is ${width} px wide`);
        const tabs = await page.locator('[role="tab"]').all();
        ok(tabs.length === 5);
        for (const tab of tabs) {
          const box = (await tab.boundingBox())!;
          ok(box.x >= 0 && box.x + box.width <= 390, `${await tab.textContent()} is within the screen`);
          await tab.click();
          const panel = await tab.getAttribute("aria-controls");
          ok(await page.isVisible(`#${panel}`), `${panel} opens`);
        }
        await page.click('[data-feature="character-chat"]');
        const greeting = (await page.locator("#panel-character-chat .greeting-text").boundingBox())!;
        ok(
          greeting.y + greeting.height <= 844 * 0.6,
          `the character's greeting shows high on the screen (at ${greeting.y} px)`,
        );
      }),
  });
}
