/**
 * Screenshots of the states a scripted model server brings out (the demo never does): a long chat
 * with "Show earlier messages" and the note of what the character remembers, a conversation too
 * long for the model with its "Start a new chat", and the badge naming a model server. Chromium at
 * 1366 and 390 px, English and Japanese. `deno run -A scripts/screenshots_states.ts` writes them to
 * docs/screenshots/.
 */
import type { Page } from "playwright-core";
import { launchBrowser, startAppWithAssets } from "../tests/support/browser.ts";
import { FakeUpstream } from "../tests/support/fake_upstream.ts";

const OUT = new URL("../docs/screenshots/", import.meta.url);
const SIZES = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } };

const upstream = new FakeUpstream();
upstream.models = ["qwen2.5-7b-instruct"];
let overflow = false;
upstream.script = (request) => {
  if (overflow) {
    return {
      status: 400,
      body: JSON.stringify({
        error: {
          message: "the request exceeds the available context size, try increasing it",
          type: "exceed_context_size_error",
        },
      }),
      headers: { "content-type": "application/json" },
    };
  }
  const asked = request.body.messages!.at(-1)!.content;
  return {
    chunks: [
      `You asked: *${asked}*. `,
      "The moon is high, the cauldron bubbles, and the bats keep time. ".repeat(4),
    ],
  };
};
const app = await startAppWithAssets({ OPENAI_BASE_URL: upstream.baseURL, CONTEXT_TOKENS: "900" });
const browser = await launchBrowser();

async function chatWith(page: Page, language: "en" | "ja", turns: number) {
  await page.evaluate(async ({ turns, language }) => {
    for (let i = 0; i < turns; i++) {
      const response = await fetch("/api/character-chat-stream", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          character: "witch",
          message: `${language === "ja" ? "質問" : "Question"} ${i + 1}`,
          language,
        }),
      });
      await response.text();
    }
  }, { turns, language });
}

try {
  for (const language of ["en", "ja"] as const) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const context = await browser.newContext({ viewport, locale: language });
      const page = await context.newPage();
      await page.goto(`${app.url}/?lang=${language}&character=witch`);
      await chatWith(page, language, 24);
      await page.reload();
      await page.waitForFunction(() =>
        document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
      );
      await page.evaluate(() => globalThis.scrollTo(0, 0));
      await page.screenshot({ path: new URL(`earlier-${language}-${size}.png`, OUT).pathname });
      await page.evaluate(() => globalThis.scrollTo(0, document.body.scrollHeight));
      await page.screenshot({ path: new URL(`remembers-${language}-${size}.png`, OUT).pathname });
      overflow = true;
      await page.fill("#chat-message-input", language === "ja" ? "もう一つ" : "One more");
      await page.click("#chat-submit");
      await page.waitForSelector(".alert-error");
      await page.evaluate(() => globalThis.scrollTo(0, document.body.scrollHeight));
      await page.screenshot({ path: new URL(`context-full-${language}-${size}.png`, OUT).pathname });
      overflow = false;
      await context.close();
    }
  }
  console.log("written to docs/screenshots/");
} finally {
  await browser.close();
  await app.close();
  await upstream.close();
}
