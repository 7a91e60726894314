/**
 * The README's screenshots, as a person sees the page: Chromium at 1366 and 390 px, English and
 * Japanese, a chat that has answered, an edited question and a regenerated answer (‹ 2/2 ›), the list of
 * chats, Stop in Send's place, a story mid-stream and the shelf of stories, against the built-in demo model;
 * then, with the demo model thinking first, an answer while it thinks and once it is done.
 * `deno run -A scripts/screenshots.ts` writes them to docs/screenshots/.
 */
import type { Page } from "playwright-core";
import { launchBrowser, startAppWithAssets } from "../tests/support/browser.ts";

const OUT = new URL("../docs/screenshots/", import.meta.url);
const SIZES = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } };
const WORDS = {
  en: {
    greeting: "Good evening!",
    question: "Do you really sleep in a coffin?",
    edited: "Do you really sleep in a coffin, every night?",
    more: "Tell me about your castle.",
    name: "Mina",
    theme2: "a lantern in the fog",
    theme: "a locked attic",
    monster: {
      favorite_food: "tomato soup",
      sleep_schedule: "noon to dusk",
      hobby: "organ music",
      fear: "mirrors",
    },
  },
  ja: {
    greeting: "こんばんは！",
    question: "本当に棺で眠るのですか？",
    edited: "本当に毎晩、棺で眠るのですか？",
    more: "お城のことを教えてください。",
    name: "ミナ",
    theme2: "霧の中のランタン",
    theme: "鍵のかかった屋根裏",
    monster: {
      favorite_food: "トマトスープ",
      sleep_schedule: "昼から夕方",
      hobby: "オルガン演奏",
      fear: "鏡",
    },
  },
};

async function finished(page: Page) {
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".streaming-indicator")].every((el) => (el as HTMLElement).hidden)
  );
}

async function send(page: Page, message: string) {
  await page.fill("#chat-message-input", message);
  await page.click("#chat-submit");
  await finished(page);
}

await Deno.mkdir(OUT, { recursive: true });
const app = await startAppWithAssets({
  LLM_PROVIDER: "demo",
  OPENAI_API_KEY: "",
  DEMO_FIRST_TOKEN_MS: "400",
  DEMO_TOKENS_PER_SECOND: "40",
});
const browser = await launchBrowser();
try {
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const lang of ["en", "ja"] as const) {
      // The light theme's first screen, then everything else in the dark one.
      const light = await (await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: "light" }))
        .newPage();
      await light.goto(`${app.url}/?lang=${lang}`);
      await light.waitForFunction(() =>
        document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
      );
      await light.screenshot({ path: new URL(`first-visit-light-${lang}-${size}.png`, OUT).pathname });
      await light.context().close();
      const page = await (await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: "dark" }))
        .newPage();
      await page.goto(`${app.url}/?lang=${lang}`);
      await page.waitForFunction(() =>
        document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
      );
      await page.screenshot({ path: new URL(`first-visit-${lang}-${size}.png`, OUT).pathname });
      await send(page, WORDS[lang].greeting);
      await send(page, WORDS[lang].question);
      await page.waitForTimeout(300);
      await page.screenshot({ path: new URL(`chat-done-${lang}-${size}.png`, OUT).pathname });

      // An edited question and a regenerated answer: ‹ 2/2 › on each.
      await page.locator("#panel-character-chat .bubble.user .btn-edit").last().click();
      await page.fill(".edit-box textarea", WORDS[lang].edited);
      await page.click(".edit-box button[type=submit]");
      await finished(page);
      await page.click("#panel-character-chat .btn-regenerate");
      await finished(page);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: new URL(`versions-${lang}-${size}.png`, OUT).pathname });

      // New chat: the earlier one stays in the list (beside the chat, or one tap away on a phone).
      await page.click("#panel-character-chat .new-conversation");
      await send(page, WORDS[lang].more);
      if (size === "phone") await page.click("#panel-character-chat .list-toggle");
      await page.screenshot({ path: new URL(`conversations-${lang}-${size}.png`, OUT).pathname });
      if (size === "phone") await page.click("#panel-character-chat .list-close");

      // Stop in Send's place while an answer is written.
      await page.fill("#chat-message-input", WORDS[lang].question);
      await page.click("#chat-submit");
      await page.waitForFunction(() =>
        (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 40
      );
      await page.screenshot({ path: new URL(`stop-in-place-${lang}-${size}.png`, OUT).pathname });
      await finished(page);

      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", WORDS[lang].name);
      await page.fill("#story-theme", WORDS[lang].theme);
      await page.selectOption("#story-style", "gothic");
      await page.click("#story-generator-submit");
      await page.waitForFunction(() =>
        (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 160
      );
      await page.screenshot({ path: new URL(`story-streaming-${lang}-${size}.png`, OUT).pathname });
      await finished(page);
      // A second story joins the shelf instead of replacing the first.
      await page.fill("#story-theme", WORDS[lang].theme2);
      await page.click("#story-generator-submit");
      await finished(page);
      if (size === "phone") await page.click("#panel-story-generator .list-toggle");
      await page.screenshot({ path: new URL(`shelf-${lang}-${size}.png`, OUT).pathname });
      if (size === "phone") await page.click("#panel-story-generator .list-close");

      await page.click('[data-feature="monster-diagnostic"]');
      for (const [field, value] of Object.entries(WORDS[lang].monster)) {
        await page.fill(`#monster-${field}`, value);
      }
      await page.click("#monster-diagnostic-submit");
      await finished(page);
      await page.screenshot({ path: new URL(`monster-done-${lang}-${size}.png`, OUT).pathname });
      await page.context().close();
      console.log(`${size} ${lang}: done`);
    }
  }
} finally {
  await app.close();
}

// A reasoning model: "Thinking… N s" while it thinks, then "Thought for N s" above the answer.
const thinking = await startAppWithAssets({
  LLM_PROVIDER: "demo",
  OPENAI_API_KEY: "",
  DEMO_REASONING: "true",
  DEMO_FIRST_TOKEN_MS: "400",
  DEMO_TOKENS_PER_SECOND: "12",
});
try {
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const lang of ["en", "ja"] as const) {
      const page = await (await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: "dark" }))
        .newPage();
      await page.goto(`${thinking.url}/?lang=${lang}`);
      await page.waitForFunction(() =>
        document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
      );
      await page.selectOption("#chat-character", "witch");
      await page.locator("#panel-character-chat .suggestions .chip").first().click();
      await page.waitForFunction(() =>
        /[0-9]/.test(document.querySelector(".thinking summary")?.textContent ?? "")
      );
      await page.waitForTimeout(1200);
      await page.screenshot({ path: new URL(`thinking-${lang}-${size}.png`, OUT).pathname });
      await finished(page);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: new URL(`thought-${lang}-${size}.png`, OUT).pathname });
      await page.context().close();
      console.log(`${size} ${lang}: thinking done`);
    }
  }
} finally {
  await browser.close();
  await thinking.close();
}
