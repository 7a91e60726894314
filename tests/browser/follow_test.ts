/** Following a streaming answer, and the message box, as in the chat UIs people know. */
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

/** A long answer in many lines, so that it outgrows the window. */
const LINES = Array.from({ length: 120 }, (_, i) => `Line ${i} of a long and winding answer.\n\n`);

async function bubbleBottomInView(page: Page): Promise<boolean> {
  return await page.evaluate(() => {
    const bubble = document.querySelector("#streaming-bubble");
    if (!bubble) return true;
    return bubble.getBoundingClientRect().bottom <= globalThis.innerHeight + 2;
  });
}

test(
  "a streaming answer is followed down; a reader who scrolls up stays put, and can jump back",
  async (browser, app, upstream) => {
    upstream.use({ chunks: LINES, delayMs: 40 });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(app.url);
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await page.fill("#chat-message-input", "Tell me everything");
    await page.click("#chat-submit");
    // Sampled while it streams: the newest text stays in view.
    let samples = 0;
    for (let i = 0; i < 8; i++) {
      await page.waitForTimeout(250);
      ok(await bubbleBottomInView(page), `the answer's end is in view at sample ${i}`);
      samples++;
    }
    ok(await page.evaluate(() => globalThis.scrollY > 0), "the page has scrolled down with the answer");
    // The reader scrolls up: left exactly there while the answer grows below.
    await page.mouse.wheel(0, -700);
    await page.waitForTimeout(200);
    const readingAt = await page.evaluate(() => globalThis.scrollY);
    await page.waitForTimeout(800);
    equal(await page.evaluate(() => globalThis.scrollY), readingAt, "not yanked back down");
    ok(await page.isVisible(".follow-bar"), "Jump to latest is offered");
    await page.click(".follow-bar .btn:not(.btn-stop)");
    await page.waitForTimeout(400);
    ok(await bubbleBottomInView(page), "back at the newest text");
    ok(!(await page.isVisible(".follow-bar")), "and following again");
    // The message box stays reachable at the bottom of the window.
    const box = await page.locator("#chat-message-input").boundingBox();
    ok(box && box.y + box.height <= 900, "the message box is in view");
    ok(samples === 8);
  },
);

test(
  "Enter while an answer streams never cuts it; Escape stops it; the focus stays in the message box",
  async (browser, app, upstream) => {
    upstream.use({ chunks: LINES.slice(0, 60), delayMs: 40 }, { chunks: ["ok"] });
    const page = await openApp(browser, app.url);
    await page.fill("#chat-message-input", "First");
    await page.click("#chat-submit");
    await page.waitForFunction(() =>
      (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 20
    );
    equal(
      await page.evaluate(() => document.activeElement?.id),
      "chat-message-input",
      "focus in the box after Send",
    );
    await page.fill("#chat-message-input", "Second");
    await page.press("#chat-message-input", "Enter");
    await page.waitForTimeout(200);
    ok(await page.isVisible(".streaming-indicator"), "still streaming");
    ok(
      (await page.textContent(".note.held"))?.includes("stays here"),
      "the page says the message waits in the box",
    );
    equal(await page.inputValue("#chat-message-input"), "Second", "kept in the box");
    equal(upstream.requests.length, 1, "nothing new was asked");
    await page.keyboard.press("Escape");
    await page.waitForSelector(".streaming-indicator", { state: "hidden" });
    ok((await page.textContent("#panel-character-chat"))?.includes("Stopped"), "stopped by Escape");
    equal(
      await page.evaluate(() => document.activeElement?.id),
      "chat-message-input",
      "focus in the box after Stop",
    );
  },
);

test("the message box grows with its text and counts characters near the limit", async (browser, app) => {
  const page = await openApp(browser, app.url);
  const height = async () => (await page.locator("#chat-message-input").boundingBox())!.height;
  const one = await height();
  await page.fill("#chat-message-input", "a\nb\nc\nd\ne");
  ok(await height() > one * 1.8, "it grew");
  await page.fill("#chat-message-input", Array(30).fill("line").join("\n"));
  ok(await height() < one * 6, "up to about eight lines, then it scrolls");
  ok(!(await page.isVisible(".counter")), "no counter far from the limit");
  await page.fill("#chat-message-input", "x".repeat(1900));
  equal(await page.textContent(".counter"), "1900 / 2000");
});
