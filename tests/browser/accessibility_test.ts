/**
 * Accessibility in a real Chromium: axe-core finds nothing on any tab, in either language, empty,
 * mid-answer, answered, failed; focus stays visible in forced-colors mode.
 */
import { equal, ok } from "node:assert/strict";
import type { Page } from "playwright-core";
import { axeViolations, describeViolations } from "../support/axe.ts";
import { openApp, withBrowserApp } from "../support/browser.ts";
import { PANELS_IN_ORDER } from "../support/panels.ts";

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

async function clean(page: Page, state: string) {
  const violations = await axeViolations(page);
  equal(violations.length, 0, `${state}:\n${describeViolations(violations)}`);
}

for (const [lang, theme] of [["en", "dark"], ["ja", "dark"], ["en", "light"], ["ja", "light"]] as const) {
  browserTest(
    `axe-core finds no violation on any tab or answer state (${lang}, ${theme} theme, 1366 and 390 px)`,
    async () => {
      await withBrowserApp({ OPENAI_API_KEY: "sk-browser" }, async (browser, app, upstream) => {
        upstream.use({
          chunks: [
            "**Bold** answer\n\n",
            "- one\n- two\n\n",
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n",
            "```js\nconst a = 1;\n```",
          ],
        });
        const page = await openApp(browser, app.url, `/?lang=${lang}`, { bypassCSP: true });
        await page.emulateMedia({ colorScheme: theme });
        equal(
          await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme),
          theme,
          "the page follows the system's theme",
        );
        equal(await page.locator("main").count(), 1, "one main landmark");
        for (const width of [1366, 390]) {
          await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
          for (const name of PANELS_IN_ORDER) {
            await page.click(`[data-feature="${name}"]`);
            await clean(page, `${name} empty at ${width}px`);
          }
        }
        await page.setViewportSize({ width: 1366, height: 900 });
        await page.click('[data-feature="character-chat"]');
        upstream.use({ chunks: Array.from({ length: 40 }, (_, i) => `w${i} `), delayMs: 40 });
        await page.fill("#chat-message-input", "Hello");
        await page.click("#chat-submit");
        await page.waitForSelector(".streaming-indicator", { state: "visible" });
        await clean(page, "mid-answer");
        await page.waitForSelector(".streaming-indicator", { state: "hidden", timeout: 10_000 });
        await clean(page, "answered");
        await page.click(".bubble.assistant .answer-info summary");
        await clean(page, "the answer's info open");
        upstream.use({ status: 401 });
        await page.fill("#chat-message-input", "Again");
        await page.click("#chat-submit");
        await page.waitForSelector(".alert-error");
        await clean(page, "failed");
      });
    },
  );
}

browserTest("in forced-colors mode the focused control has a visible outline", async () => {
  await withBrowserApp({ OPENAI_API_KEY: "sk-browser" }, async (browser, app) => {
    const page = await openApp(browser, app.url);
    await page.emulateMedia({ forcedColors: "active" });
    for (const selector of ["#chat-message-input", "#language-select", '[data-feature="trivia-bot"]']) {
      await page.focus(selector);
      const outline = await page.$eval(selector, (el) => {
        const style = getComputedStyle(el);
        return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      ok(outline.style !== "none" && outline.width >= 2, `${selector}: ${JSON.stringify(outline)}`);
    }
  });
});

for (const theme of ["dark", "light"] as const) {
  browserTest(
    `placeholders read at 4.5:1 and control borders stand out at 3:1 (${theme} theme)`,
    async () => {
      await withBrowserApp({ OPENAI_API_KEY: "sk-browser" }, async (browser, app) => {
        const page = await openApp(browser, app.url);
        await page.emulateMedia({ colorScheme: theme });
        const ratios = await page.evaluate(() => {
          const rgb = (color: string) => color.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number);
          const luminance = (color: string) => {
            const [r, g, b] = rgb(color).map((c) => {
              const v = c / 255;
              return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const contrast = (a: string, b: string) => {
            const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
            return (hi + 0.05) / (lo + 0.05);
          };
          const panel = getComputedStyle(document.querySelector(".panel")!).backgroundColor;
          const input = document.querySelector("#chat-message-input")!;
          const inputStyle = getComputedStyle(input);
          return {
            placeholder: contrast(getComputedStyle(input, "::placeholder").color, inputStyle.backgroundColor),
            inputBorder: contrast(inputStyle.borderTopColor, panel),
            selectBorder: contrast(
              getComputedStyle(document.querySelector("#chat-character")!).borderTopColor,
              panel,
            ),
            buttonBorder: contrast(
              getComputedStyle(document.querySelector(".clear-all .btn")!).borderTopColor,
              panel,
            ),
          };
        });
        ok(ratios.placeholder >= 4.5, `placeholder ${ratios.placeholder.toFixed(2)}:1`);
        for (const [name, ratio] of Object.entries(ratios).filter(([name]) => name !== "placeholder")) {
          ok(ratio >= 3, `${name} ${ratio.toFixed(2)}:1`);
        }
      });
    },
  );
}
