/** The four other features, both languages, sessions and reloads, in a real Chromium. */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { RunningApp } from "../support/app_server.ts";
import { withBrowserApp } from "../support/browser.ts";
import { FakeUpstream, type RecordedRequest, type UpstreamScript } from "../support/fake_upstream.ts";

type Lang = "en" | "ja";

const ANSWERS: Record<string, Record<Lang, string>> = {
  story: {
    en:
      "# The Attic\n\nMina climbs **slowly**.\n\n<img src=x onerror=window.__pwned=1> [run](javascript:window.__pwned=2)",
    ja: "# 屋根裏\n\nミナは**ゆっくり**と登った。\n\n<script>window.__pwned=3</script>",
  },
  spell: {
    en: "Spell: Umbra lumen, open!\nMeaning: It opens doors.",
    ja: "呪文: 闇よ光よ、開け！\n意味: 扉を開く呪文。",
  },
  monster: {
    en: "Monster Type: Vampire\nAnalysis: You love garlic bread, oddly.\nFun Fact: Bats can live 30 years.",
    ja: "モンスタータイプ: ヴァンパイア\n分析: ニンニクパンが好きとは意外。\n豆知識: 蝙蝠は30年生きる。",
  },
  trivia: {
    en: "Good question!\nFact: Samhain marked the harvest's end.\nMore?",
    ja: "いい質問！\n豆知識: サウィンは収穫の終わり。\nもっと？",
  },
};

/** Answers by feature, recognised from the server's system prompt. */
function scriptFor(request: RecordedRequest): UpstreamScript {
  const system = request.body.messages![0].content;
  const lang: Lang = /[\u3040-\u30ff]/.test(system) ? "ja" : "en";
  const follow = request.body.messages!.length > 2 ? " (again)" : "";
  const text = /story|物語/i.test(system)
    ? ANSWERS.story[lang]
    : /spell|呪文/i.test(system)
    ? ANSWERS.spell[lang] + follow
    : /diagnos|診断/i.test(system)
    ? (follow ? `Follow-up answer${follow}` : ANSWERS.monster[lang])
    : /historian|歴史/i.test(system)
    ? ANSWERS.trivia[lang] + follow
    : `Chat answer to ${request.body.messages!.at(-1)!.content}`;
  return { chunks: text.match(/[\s\S]{1,6}/g)!, delayMs: 5 };
}

const withBrowser = (body: (browser: Browser, app: RunningApp, upstream: FakeUpstream) => Promise<void>) =>
  withBrowserApp({}, body, (upstream) => (upstream.script = scriptFor));

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
}

async function finished(page: Page) {
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".streaming-indicator")].every((el) => (el as HTMLElement).hidden)
  );
}

for (const lang of ["en", "ja"] as const) {
  browserTest(`story, spell, monster diagnosis and trivia work in the browser (${lang})`, async () => {
    await withBrowser(async (browser, app, upstream) => {
      const page = await browser.newPage();
      await open(page, app.url);
      await page.selectOption("#language-select", lang);

      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", "Mina");
      await page.fill("#story-theme", "a locked attic");
      await page.selectOption("#story-style", "gothic");
      await page.click("#story-generator-submit");
      await finished(page);
      equal(await page.textContent("#story-generator-result h1"), lang === "en" ? "The Attic" : "屋根裏");
      equal(await page.textContent("#story-generator-result strong"), lang === "en" ? "slowly" : "ゆっくり");
      equal(await page.locator("#story-generator-result img, #story-generator-result script").count(), 0);
      equal(await page.locator('#story-generator-result a[href^="javascript"]').count(), 0);
      equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      match(upstream.requests.at(-1)!.body.messages![1].content, /Mina/);

      await page.click('[data-feature="spell-generator"]');
      await page.fill("#spell-purpose", lang === "en" ? "finding keys" : "鍵を見つける");
      await page.click("#spell-generator-submit");
      await finished(page);
      match(
        (await page.textContent("#spell-generator-result .spell-phrase"))!,
        lang === "en" ? /Umbra lumen/ : /闇よ光よ/,
      );
      match(
        (await page.textContent("#spell-generator-result .spell-meaning"))!,
        lang === "en" ? /opens doors/ : /扉を開く/,
      );
      const spells = upstream.requests.length;
      await page.click("#spell-cast-again");
      await finished(page);
      equal(upstream.requests.length, spells + 1, "Cast again asks again");
      equal(upstream.requests.at(-1)!.body.messages!.length, 2, "a new spell, not a continuation");

      await page.click('[data-feature="monster-diagnostic"]');
      for (const field of ["favorite_food", "sleep_schedule", "hobby", "fear"]) {
        await page.fill(`#monster-${field}`, `my ${field}`);
      }
      await page.click("#monster-diagnostic-submit");
      await finished(page);
      match(
        (await page.textContent("#monster-diagnostic-result .monster-name"))!,
        lang === "en" ? /Vampire/ : /ヴァンパイア/,
      );
      await page.fill("#monster-question", "Can I go out by day?");
      await page.click("#monster-diagnostic-ask");
      await finished(page);
      await page.waitForSelector("#panel-monster-diagnostic .bubble.assistant");
      match((await page.textContent("#panel-monster-diagnostic .bubble.assistant"))!, /Follow-up answer/);
      equal(upstream.requests.at(-1)!.body.messages!.length, 4, "the follow-up carries the diagnosis");

      await page.click('[data-feature="trivia-bot"]');
      await page.click("#trivia-bot-submit");
      await finished(page);
      match((await page.textContent("#trivia-bot-result .fact"))!, lang === "en" ? /Samhain/ : /サウィン/);
      await page.click(`button:has-text("${lang === "en" ? "Tell me more" : "もっと教えて"}")`);
      await finished(page);
      match(
        upstream.requests.at(-1)!.body.messages!.at(-1)!.content,
        lang === "en" ? /Tell me more/ : /もっと詳しく/,
      );
      equal(await page.locator("#trivia-bot-result .bubble.assistant").count(), 2);
    });
  });
}

browserTest("history and language survive a reload; another browser sees none of it", async () => {
  await withBrowser(async (browser, app) => {
    const alice = await browser.newContext();
    const page = await alice.newPage();
    await open(page, app.url);
    await page.selectOption("#language-select", "ja");
    await page.fill("#chat-message-input", "Remember me");
    await page.click("#chat-submit");
    await finished(page);
    await page.click('[data-feature="spell-generator"]');
    await page.click("#spell-generator-submit");
    await finished(page);
    await page.waitForTimeout(100);

    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    equal(await page.getAttribute("html", "lang"), "ja");
    equal(await page.textContent("#chat-submit"), "送信");
    deepEqual(await page.locator("#panel-character-chat .bubble .text").allTextContents(), [
      "Remember me",
      "Chat answer to Remember me",
    ]);
    match((await page.textContent("#spell-generator-result .spell-phrase"))!, /闇よ光よ/);

    const bob = await browser.newContext();
    const other = await bob.newPage();
    await open(other, app.url);
    equal(await other.locator("#panel-character-chat .bubble").count(), 0);
    equal(await other.textContent("#chat-submit"), "Send");
  });
});

browserTest(
  "tabs switch without a reload and keep each feature's state; features answer at once",
  async () => {
    await withBrowser(async (browser, app, upstream) => {
      upstream.script = () => ({ chunks: Array.from({ length: 30 }, (_, i) => `${i} `), delayMs: 30 });
      const page = await browser.newPage();
      await open(page, app.url);
      // Switching tabs changes the URL in place (to keep the tab across a reload), never loads a page.
      const loads: string[] = [];
      page.on("load", () => loads.push(page.url()));
      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", "Kept name");
      await page.click('[data-feature="character-chat"]');
      await page.fill("#chat-message-input", "Count to thirty");
      await page.click("#chat-submit");
      await page.click('[data-feature="trivia-bot"]');
      ok(!(await page.isDisabled("#trivia-bot-submit")), "another feature can be asked while one answers");
      equal(
        await page.locator('[data-feature="character-chat"] .tab-busy').count(),
        1,
        "the tab whose answer is streaming says it is busy",
      );
      const marker = await page.locator('[data-feature="character-chat"] .tab-busy').evaluate((dot) => {
        const style = getComputedStyle(dot);
        const tab = getComputedStyle(dot.closest(".tab")!);
        const rgb = (color: string) => color.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number);
        const luminance = (color: string) => {
          const [r, g, b] = rgb(color).map((v) => {
            const c = v / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const [a, b] = [luminance(style.backgroundColor), luminance(tab.backgroundColor)].sort((x, y) =>
          y - x
        );
        return {
          width: dot.getBoundingClientRect().width,
          opacity: style.opacity,
          contrast: (a + 0.05) / (b + 0.05),
        };
      });
      ok(marker.width >= 9.5, `big enough to see: ${marker.width} px`);
      equal(marker.opacity, "1", "never dimmed");
      ok(marker.contrast >= 3, `at least 3:1 against its tab: ${marker.contrast.toFixed(2)}`);
      await page.click('[data-feature="character-chat"]');
      await finished(page);
      equal(
        await page.textContent("#streaming-bubble"),
        Array.from({ length: 30 }, (_, i) => `${i} `).join(""),
      );
      await page.click('[data-feature="story-generator"]');
      equal(await page.inputValue("#story-name"), "Kept name");
      deepEqual(loads, []);
    });
  },
);

browserTest("the finished answer is announced once, not token by token", async () => {
  await withBrowser(async (browser, app, upstream) => {
    upstream.script = () => ({ chunks: ["One ", "two ", "three."], delayMs: 60 });
    const page = await browser.newPage();
    await open(page, app.url);
    await page.evaluate(() => {
      const region = document.querySelector("#panel-character-chat .announcer")!;
      (window as unknown as { __said: string[] }).__said = [];
      new MutationObserver(() =>
        (window as unknown as { __said: string[] }).__said.push(region.textContent ?? "")
      )
        .observe(region, { subtree: true, childList: true, characterData: true });
    });
    await page.fill("#chat-message-input", "Count");
    await page.click("#chat-submit");
    await finished(page);
    await page.waitForTimeout(100);
    const said = await page.evaluate(() => (window as unknown as { __said: string[] }).__said);
    deepEqual(said.filter((s) => s), ["Count Dracula: One two three."], "once, with its speaker");
  });
});

browserTest(
  "announcements name the answer's own speaker, whatever is shown meanwhile, without markdown's symbols",
  async () => {
    await withBrowser(async (browser, app, upstream) => {
      upstream.use(
        { chunks: Array.from({ length: 30 }, (_, i) => `word${i} `), delayMs: 40 },
        { chunks: ["# The Attic\n\n", "Mina **climbed**."] },
        { chunks: ["Spell: Lumos\n", "Meaning: light"] },
      );
      const page = await browser.newPage();
      await open(page, app.url);
      await page.fill("#chat-message-input", "Tell me");
      await page.click("#chat-submit");
      await page.waitForSelector("#streaming-bubble");
      await page.selectOption("#chat-character", "witch"); // away while Dracula answers
      await finished(page);
      const said = () => page.textContent(".panel:not([hidden]) .announcer");
      await page.waitForFunction(() =>
        (document.querySelector("#panel-character-chat .announcer")?.textContent ?? "") !== ""
      );
      ok((await said())?.startsWith("Count Dracula: word0"), await said() ?? "");
      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", "Mina");
      await page.fill("#story-theme", "an attic");
      await page.click("#story-generator-submit");
      await finished(page);
      equal(await said(), "Storyteller: The Attic\nMina climbed.");
      await page.click('[data-feature="spell-generator"]');
      await page.click("#spell-generator-submit");
      await finished(page);
      equal(await said(), "Spellbook: Spell: Lumos\nMeaning: light", "the label is the answer's, said once");
    });
  },
);

browserTest("a form with a missing field is refused inline, naming it, in the page's language", async () => {
  await withBrowser(async (browser, app, upstream) => {
    const page = await browser.newPage();
    await open(page, app.url);
    await page.selectOption("#language-select", "ja");
    await page.click('[data-feature="story-generator"]');
    await page.fill("#story-name", "Mina");
    await page.click("#story-generator-submit");
    equal(await page.textContent("#panel-story-generator .field-error"), "テーマを入力してください。");
    equal(upstream.requests.length, 0);
  });
});

browserTest(
  "the markdown renderer is fetched once, after the page is up, and renders chat answers",
  async () => {
    await withBrowser(async (browser, app) => {
      const page = await browser.newPage();
      const scripts: string[] = [];
      page.on(
        "request",
        (request) => request.resourceType() === "script" && scripts.push(new URL(request.url()).pathname),
      );
      await open(page, app.url);
      await page.fill("#chat-message-input", "hello");
      await page.click("#chat-submit");
      await finished(page);
      equal(scripts.filter((s) => s.includes("markdown")).length, 1, scripts.join(" "));
      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", "Mina");
      await page.fill("#story-theme", "fog");
      await page.click("#story-generator-submit");
      await page.waitForSelector("#story-generator-result h1");
      equal(scripts.filter((s) => s.includes("markdown")).length, 1, scripts.join(" "));
    });
  },
);
