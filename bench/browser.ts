/**
 * Smoothness in Chromium: a markdown answer at 500 chunks/s for 20 s into the chat bubble and into
 * a story — long tasks (> 50 ms) on the main thread, DOM updates against the update
 * interval, and the final text; then a 200-message conversation, where sending a message must not
 * touch the bubbles already there.
 */
import type { Page } from "playwright-core";
import { launchBrowser } from "../tests/support/browser.ts";
import { kabotanProcess, upstreamProcess } from "./processes.ts";

const RATE_DELAY_MS = 2; // 500 chunks a second
const SECONDS = 20;
const CHUNKS = (SECONDS * 1000) / RATE_DELAY_MS;

export interface SmoothnessResult {
  view: string;
  seconds: number;
  chunks: number;
  longTasks: number;
  longestTaskMs: number;
  domUpdates: number;
  maxUpdates: number;
  exact: boolean;
}

async function watch(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { __long: number[]; __updates: number; __start: number };
    w.__long = [];
    w.__updates = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration)))
      .observe({ type: "longtask", buffered: false });
    const target = () => document.querySelector(sel);
    // One callback per batch of DOM changes: a flush of the streamed text is one.
    new MutationObserver(() => target() && w.__updates++).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  }, selector);
}

async function streamInto(view: "chat" | "story"): Promise<SmoothnessResult> {
  // Both answers are markdown (every real model writes it, and chat renders it as stories do).
  const upstream = await upstreamProcess(CHUNKS, RATE_DELAY_MS, "markdown");
  const kabotan = await kabotanProcess(String(upstream.info.baseURL), { STREAMING_TIMEOUT: "600" });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(kabotan.url);
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    // The page loads the markdown renderer once it is idle: wait for it, so its download is not measured.
    await page.waitForFunction(() =>
      performance.getEntriesByType("resource").some((entry) => entry.name.includes("/markdown-"))
    );
    if (view === "story") {
      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", "Mina");
      await page.fill("#story-theme", "fog");
    }
    await watch(page, "#streaming-bubble");
    const started = performance.now();
    if (view === "chat") await page.fill("#chat-message-input", "A long one, please");
    await page.click(view === "story" ? "#story-generator-submit" : "#chat-submit");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll(".streaming-indicator")].every((el) => (el as HTMLElement).hidden) &&
        document.querySelector("#streaming-bubble"),
      undefined,
      { timeout: (SECONDS + 60) * 1000, polling: 500 },
    );
    const seconds = (performance.now() - started) / 1000;
    const measured = await page.evaluate(() => {
      const w = window as unknown as { __long: number[]; __updates: number };
      return {
        long: w.__long,
        updates: w.__updates,
        text: document.querySelector("#streaming-bubble")!.textContent ?? "",
      };
    });
    const words = Array.from({ length: CHUNKS }, (_, i) => `w${i}`);
    // Rendered markdown: the same words in the same order (the title and emphasis are markup).
    const exact = measured.text.replace(/^A long tale/, "").split(/\s+/).filter(Boolean).join(" ") ===
      words.join(" ");
    return {
      view,
      seconds,
      chunks: CHUNKS,
      longTasks: measured.long.length,
      longestTaskMs: Math.max(0, ...measured.long),
      domUpdates: measured.updates,
      maxUpdates: Math.ceil((seconds * 1000) / 100) + 2,
      exact,
    };
  } finally {
    await browser.close();
    await kabotan.stop();
    await upstream.stop();
  }
}

/** A 200-message conversation: does sending one more message touch the bubbles already there? */
async function longConversation(): Promise<
  { messages: number; settledTouched: number; sendScriptingMs: number }
> {
  const upstream = await upstreamProcess(3, 0);
  const kabotan = await kabotanProcess(String(upstream.info.baseURL));
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(kabotan.url);
    for (let i = 0; i < 100; i++) {
      await page.evaluate((n) =>
        fetch("/api/character-chat", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ character: "ghost", message: `question ${n}` }),
        }).then((r) => r.json()), i);
    }
    await page.reload();
    await page.selectOption("#chat-character", "ghost");
    // The page shows the last 20 turns after a reload: bring the rest, as a reader scrolling back would.
    const earlier = page.locator("#panel-character-chat .show-earlier button");
    while (await earlier.count() > 0) {
      const shown = await page.locator("#panel-character-chat .bubble").count();
      await earlier.click();
      await page.waitForFunction(
        (n) => document.querySelectorAll("#panel-character-chat .bubble").length > n,
        shown,
      );
    }
    await page.waitForFunction(() =>
      document.querySelectorAll("#panel-character-chat .bubble").length === 200
    );
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const scriptSeconds = async () => ((await cdp.send("Performance.getMetrics")).metrics.find((m) =>
      m.name === "ScriptDuration"
    )?.value ?? 0);
    const scriptBefore = await scriptSeconds();
    const settledTouched = await page.evaluate(async () => {
      const settled = new Set(document.querySelectorAll("#panel-character-chat .bubble"));
      let touched = 0;
      const observer = new MutationObserver((records) => {
        for (const record of records) {
          const bubble = (record.target instanceof Element ? record.target : record.target.parentElement)
            ?.closest(".bubble");
          if (bubble && settled.has(bubble)) touched++;
        }
      });
      observer.observe(document.querySelector("#panel-character-chat")!, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
      (document.querySelector("#chat-message-input") as HTMLTextAreaElement).value = "one more";
      document.querySelector("#chat-message-input")!.dispatchEvent(new Event("input", { bubbles: true }));
      (document.querySelector("#chat-submit") as HTMLButtonElement).click();
      await new Promise((r) => setTimeout(r, 1500));
      observer.disconnect();
      return touched;
    });
    const sendScriptingMs = (await scriptSeconds() - scriptBefore) * 1000;
    return { messages: 200, settledTouched, sendScriptingMs };
  } finally {
    await browser.close();
    await kabotan.stop();
    await upstream.stop();
  }
}

/**
 * The first answer, sent the moment the page is interactive (the island hydrated), as a newcomer
 * who types fast would: the long tasks from the click until the answer is done, over a few fresh
 * page loads (each a new browser context, nothing cached in the page's scripts).
 */
async function firstAnswer(
  runs = 12,
): Promise<{ runs: number; withLongTask: number; longestTaskMs: number }> {
  const upstream = await upstreamProcess(40, 5, "markdown");
  const kabotan = await kabotanProcess(String(upstream.info.baseURL));
  const browser = await launchBrowser();
  const longest: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { __long: Array<{ start: number; duration: number }> };
        w.__long = [];
        new PerformanceObserver((list) =>
          list.getEntries().forEach((e) => w.__long.push({ start: e.startTime, duration: e.duration }))
        ).observe({ type: "longtask", buffered: true });
      });
      await page.goto(kabotan.url);
      await page.waitForFunction(
        () => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"),
        {
          polling: 5,
        },
      );
      const sentAt = await page.evaluate(() => {
        const input = document.querySelector("#chat-message-input") as HTMLTextAreaElement;
        input.value = "What do you eat for breakfast?";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        const at = performance.now();
        (document.querySelector("#chat-submit") as HTMLButtonElement).click();
        return at;
      });
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll(".streaming-indicator")].every((el) => (el as HTMLElement).hidden),
        undefined,
        { timeout: 30_000, polling: 100 },
      );
      await page.waitForTimeout(300);
      const tasks = await page.evaluate(() =>
        (window as unknown as { __long: Array<{ start: number; duration: number }> }).__long
      );
      longest.push(
        Math.max(0, ...tasks.filter((t) => t.start + t.duration >= sentAt).map((t) => t.duration)),
      );
      await context.close();
    }
    return { runs, withLongTask: longest.filter((ms) => ms > 0).length, longestTaskMs: Math.max(...longest) };
  } finally {
    await browser.close();
    await kabotan.stop();
    await upstream.stop();
  }
}

export async function benchBrowser() {
  return {
    first: await firstAnswer(),
    chat: await streamInto("chat"),
    story: await streamInto("story"),
    conversation: await longConversation(),
  };
}

if (import.meta.main) console.log(JSON.stringify(await benchBrowser(), null, 2));
