/**
 * The first five seconds, at 1366 and 390 px in both languages: the conversation fills the window
 * with the message box at its foot, the character greets in its voice with openers that send on a
 * click, and on a desktop the message box has the focus.
 */
import { equal, ok } from "node:assert/strict";
import { axeViolations, describeViolations } from "../support/axe.ts";
import { withBrowserApp } from "../support/browser.ts";
import { translate } from "../../lib/i18n/mod.ts";

for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
  for (const lang of ["en", "ja"] as const) {
    Deno.test({
      name:
        `the first screen greets, offers openers and keeps the message box at the foot (${viewport.width} px, ${lang})`,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: () =>
        withBrowserApp({}, async (browser, app, upstream) => {
          upstream.use({ chunks: ["An answer."] });
          const context = await browser.newContext({
            viewport,
            bypassCSP: true,
            hasTouch: viewport.width < 500,
          });
          const page = await context.newPage();
          await page.goto(`${app.url}/?lang=${lang}`);
          await page.waitForFunction(() =>
            document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
          );
          const greeting = page.locator("#panel-character-chat .greeting");
          equal(
            await greeting.locator(".greeting-words").textContent(),
            translate(lang, "chat.greeting.dracula"),
            "Count Dracula greets in his voice",
          );
          const chips = greeting.locator(".chip");
          ok((await chips.count()) >= 3, "three or four openers");
          const composer = (await page.locator("#character-chat-form").boundingBox())!;
          const gap = viewport.height - (composer.y + composer.height);
          ok(
            gap >= 0 && gap < 90,
            `the message box stands at the foot of the window (${gap.toFixed(0)} px above it)`,
          );
          const focused = await page.evaluate(() => document.activeElement?.id);
          if (viewport.width > 500) equal(focused, "chat-message-input", "ready to type on a desktop");
          const violations = await axeViolations(page);
          equal(violations.length, 0, describeViolations(violations));

          const opener = (await chips.first().textContent())!;
          await chips.first().click();
          await page.waitForSelector(".streaming-indicator", { state: "hidden" });
          equal(upstream.requests.at(-1)!.body.messages!.at(-1)!.content, opener, "the opener was sent");
          equal(await page.locator("#panel-character-chat .greeting").count(), 0, "the greeting gives way");
          await context.close();
        }),
    });
  }
}
