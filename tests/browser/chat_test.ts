/** Character chat in a real Chromium against the app and a scripted upstream on loopback. */
import { deepEqual, equal, ok } from "node:assert/strict";
import type { Browser } from "playwright-core";
import { type RunningApp } from "../support/app_server.ts";
import { openApp, recordTexts, withBrowserApp } from "../support/browser.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";

const WORDS = Array.from({ length: 40 }, (_, i) => `word${i} `);

const withBrowser = (
  env: Record<string, string>,
  body: (browser: Browser, app: RunningApp, upstream: FakeUpstream) => Promise<void>,
) => withBrowserApp({ OPENAI_API_KEY: "sk-browser", ...env }, body);

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

async function send(page: import("playwright-core").Page, message: string) {
  await page.fill("#chat-message-input", message);
  await page.click("#chat-submit");
}

browserTest("the answer grows in the bubble while the indicator shows and submit is disabled", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    upstream.use({ chunks: WORDS, delayMs: 40 });
    const page = await openApp(browser, app.url);
    await page.click('[data-feature="character-chat"]');
    await page.selectOption("#chat-character", "dracula");
    const texts = await recordTexts(page, "#streaming-bubble");
    await send(page, "Tell me a story");
    await page.waitForSelector(".streaming-indicator", { state: "visible" });
    await page.fill("#chat-message-input", "Another question");
    ok(await page.isDisabled("#chat-submit"), "submit disabled while streaming, even with text to send");
    ok(await page.isDisabled('button[type="submit"]'));
    await page.waitForSelector(".streaming-indicator", { state: "hidden", timeout: 10_000 });
    equal(await page.textContent("#streaming-bubble"), WORDS.join(""));
    const seen = await texts();
    ok(seen.length >= 5, `progressive updates: ${seen.length}`);
    ok(seen.every((text, i) => i === 0 || text.startsWith(seen[i - 1])), "each update extends the last");
    await page.fill("#chat-message-input", "");
    ok(await page.isDisabled("#chat-submit"), "the box is empty: nothing to send");
    await page.fill("#chat-message-input", "And then?");
    ok(!(await page.isDisabled("#chat-submit")), "submit enabled again, with text to send");
    const updates = seen.length;
    ok(updates <= 40 * 40 / 100 + 3, `updates batched by the interval: ${updates}`);
    const sent = upstream.requests[0].body.messages!;
    deepEqual(sent.at(-1), { role: "user", content: "Tell me a story" });
  });
});

browserTest("the conversation continues with the earlier turns as context", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    upstream.use({ chunks: ["First answer."] }, { chunks: ["Second answer."] });
    const page = await openApp(browser, app.url);
    await send(page, "one");
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "First answer."
    );
    await send(page, "two");
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "Second answer."
    );
    deepEqual(upstream.requests[1].body.messages!.slice(1), [
      { role: "user", content: "one" },
      { role: "assistant", content: "First answer." },
      { role: "user", content: "two" },
    ]);
    equal(await page.locator(".bubble").count(), 4);
  });
});

browserTest(
  "Stop keeps the partial answer, re-enables submit and closes the upstream connection",
  async () => {
    await withBrowser({}, async (browser, app, upstream) => {
      upstream.use({ chunks: WORDS, delayMs: 100 });
      const page = await openApp(browser, app.url);
      await send(page, "Tell me a long story");
      await page.waitForFunction(() =>
        (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 10
      );
      const closed = upstream.nextClose();
      const stopped = performance.now();
      await page.click('.send-place [data-action="stop"]');
      await page.waitForSelector(".streaming-indicator", { state: "hidden", timeout: 1000 });
      await closed;
      const latency = performance.now() - stopped;
      ok(latency < 1000, `upstream closed ${latency} ms after Stop`);
      const partial = await page.textContent("#streaming-bubble");
      ok(partial && partial.length > 0 && partial.length < WORDS.join("").length, partial ?? "");
      await page.fill("#chat-message-input", "Go on");
      ok(!(await page.isDisabled("#chat-submit")), "submit enabled again");
      await page.waitForTimeout(300);
      equal(await page.textContent("#streaming-bubble"), partial, "nothing arrives after Stop");
    });
  },
);

browserTest("a failed stream keeps the partial text, shows the error, and Retry streams again", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    upstream.use({ chunks: WORDS.slice(0, 6), dropAfter: 3, dropMode: "close" }, {
      chunks: WORDS.slice(0, 6),
    });
    const page = await openApp(browser, app.url);
    await send(page, "Hello");
    await page.waitForSelector(".alert-error", { state: "visible" });
    equal(await page.textContent("#streaming-bubble"), WORDS.slice(0, 3).join(""));
    ok((await page.textContent(".alert-error"))?.includes("cut off"));
    await page.click('button:has-text("Retry")');
    await page.waitForFunction(
      (text) => document.querySelector("#streaming-bubble")?.textContent === text,
      WORDS.slice(0, 6).join(""),
    );
    equal(await page.locator(".alert-error").count(), 0);
    equal(upstream.requests.length, 2);
    deepEqual(
      upstream.requests[1].body.messages,
      upstream.requests[0].body.messages,
      "Retry sends the same request",
    );
  });
});

browserTest("after a failure the answer can be had without streaming", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    upstream.use({ chunks: ["x"], errorAfter: 0 }, { chunks: ["The whole answer at once."] });
    const page = await openApp(browser, app.url);
    await send(page, "Hello");
    await page.waitForSelector(".alert-error", { state: "visible" });
    await page.click('button:has-text("without streaming")');
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "The whole answer at once."
    );
    equal(upstream.requests[1].body.stream, undefined, "the second request was not streamed");
  });
});

browserTest("a stream that cannot be opened shows the error with Retry", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    upstream.use({ chunks: ["Hi."] });
    const page = await openApp(browser, app.url);
    await page.route("**/api/character-chat-stream*", (route) => route.abort());
    await send(page, "Hello");
    await page.waitForSelector(".alert-error", { state: "visible" });
    ok(await page.locator('button:has-text("Retry")').isVisible());
    await page.unroute("**/api/character-chat-stream*");
    await page.click('button:has-text("Retry")');
    await page.waitForFunction(() => document.querySelector("#streaming-bubble")?.textContent === "Hi.");
  });
});

browserTest("with ENABLE_STREAMING=false the page uses the non-streaming endpoint, silently", async () => {
  await withBrowser({ ENABLE_STREAMING: "false" }, async (browser, app, upstream) => {
    upstream.use({ chunks: ["Answered ", "in one go."] });
    const page = await openApp(browser, app.url);
    const paths: string[] = [];
    page.on("request", (request) => paths.push(new URL(request.url()).pathname));
    await send(page, "Hello");
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "Answered in one go."
    );
    ok(paths.includes("/api/character-chat") && !paths.some((p) => p.endsWith("-stream")), paths.join(" "));
    equal(await page.locator(".alert-error").count(), 0);
  });
});

browserTest("a browser that cannot read streams falls back without an error", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    upstream.use({ chunks: ["Fallback ", "works."] });
    const page = await browser.newPage();
    await page.addInitScript(() => Object.defineProperty(window, "ReadableStream", { value: undefined }));
    await page.goto(app.url);
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await send(page, "Hello");
    await page.waitForFunction(() =>
      document.querySelector("#streaming-bubble")?.textContent === "Fallback works."
    );
    equal(upstream.requests[0].body.stream, undefined);
    equal(await page.locator(".alert-error").count(), 0);
  });
});

browserTest("markup in the model's answer stays inert text", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    const hostile = [
      `<img src=x onerror="window.__pwned=1">`,
      `<script>window.__pwned=2</script>`,
      `<a href="javascript:alert(1)">x</a>`,
    ];
    upstream.use({ chunks: hostile });
    const page = await openApp(browser, app.url);
    await send(page, "Hello");
    await page.waitForSelector(".streaming-indicator", { state: "hidden", timeout: 5000 });
    await page.waitForTimeout(200);
    equal(await page.textContent("#streaming-bubble"), hostile.join(""));
    equal(
      await page.locator("#streaming-bubble img, #streaming-bubble script, #streaming-bubble a").count(),
      0,
    );
    equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });
});

browserTest(
  "switching language re-labels the page at once and the next answer is asked in Japanese",
  async () => {
    await withBrowser({}, async (browser, app, upstream) => {
      upstream.use({ chunks: ["こんばんは。"] });
      const page = await openApp(browser, app.url);
      equal(await page.textContent("#chat-submit"), "Send");
      await page.selectOption("#language-select", "ja");
      equal(await page.textContent("#chat-submit"), "送信");
      ok((await page.textContent('[data-feature="spell-generator"]'))?.includes("呪文"));
      await send(page, "こんにちは");
      await page.waitForFunction(() =>
        document.querySelector("#streaming-bubble")?.textContent === "こんばんは。"
      );
      ok(upstream.requests[0].body.messages![0].content.includes("日本語"));
    });
  },
);

browserTest("the demo model is labelled and answers in the browser", async () => {
  await withBrowser(
    { LLM_PROVIDER: "demo", DEMO_FIRST_TOKEN_MS: "50", DEMO_TOKENS_PER_SECOND: "200" },
    async (browser, app) => {
      const page = await openApp(browser, app.url);
      ok(await page.locator(".badge-demo").isVisible());
      await send(page, "Hello there");
      await page.waitForSelector(".streaming-indicator", { state: "hidden", timeout: 10_000 });
      ok(((await page.textContent("#streaming-bubble")) ?? "").length > 50);
    },
  );
});

browserTest("an empty message cannot be sent: Send is disabled, and Enter is refused inline", async () => {
  await withBrowser({}, async (browser, app, upstream) => {
    const page = await openApp(browser, app.url);
    await page.fill("#chat-message-input", "   ");
    ok(await page.isDisabled("#chat-submit"), "Send is disabled while the box is empty");
    await page.press("#chat-message-input", "Enter");
    ok((await page.textContent(".field-error"))?.includes("required"));
    equal(upstream.requests.length, 0);
  });
});

browserTest(
  "after an answer a quiet line says in plain words how soon and how fast it came, also after a reload",
  async () => {
    await withBrowser({}, async (browser, app, upstream) => {
      upstream.use({
        chunks: WORDS,
        delayMs: 20,
        firstDelayMs: 150,
        usage: { prompt_tokens: 9, completion_tokens: 40 },
      });
      const page = await openApp(browser, app.url);
      await send(page, "Hello");
      await page.waitForSelector(".answer-info", { state: "attached" });
      ok(!(await page.isVisible(".answer-stats")), "kept behind the info control");
      await page.click(".answer-info summary");
      const line = (await page.textContent(".answer-stats"))!;
      const match = line.match(/^First words after (\d+\.\d\d) s, then (\d+) tokens a second$/);
      ok(match, line);
      ok(Number(match[1]) >= 0.15 && Number(match[1]) < 2, line);
      ok(Number(match[2]) > 10 && Number(match[2]) < 200, line);
      await page.reload();
      await page.click(".bubble.assistant .answer-info summary");
      equal(await page.textContent(".bubble.assistant .answer-stats"), line, "the same line after a reload");
      const model = await page.textContent(".bubble.assistant .answer-model");
      ok(model?.startsWith("Written by fake-model"), `and the model that wrote it: ${model}`);
    });
  },
);

browserTest(
  "a long chat shows its recent turns after a reload; Show earlier messages brings the rest, in order",
  async () => {
    await withBrowser({}, async (browser, app, upstream) => {
      upstream.script = (request) => ({ chunks: [`answer ${request.body.messages!.at(-1)!.content}`] });
      const page = await openApp(browser, app.url);
      // 23 turns through the API, as this browser (its cookie), quicker than typing them.
      await page.evaluate(async () => {
        for (let i = 0; i < 23; i++) {
          const response = await fetch("/api/character-chat-stream", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ character: "dracula", message: `m${i}` }),
          });
          await response.text();
        }
      });
      await page.reload();
      await page.waitForFunction(() =>
        document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
      );
      const questions = () => page.locator("#panel-character-chat .bubble.user .text").allTextContents();
      deepEqual(await questions(), Array.from({ length: 20 }, (_, i) => `m${i + 3}`), "the last 20 turns");
      await page.getByRole("button", { name: "Show earlier messages" }).click();
      await page.waitForFunction(() =>
        document.querySelectorAll("#panel-character-chat .bubble.user").length === 23
      );
      deepEqual(await questions(), Array.from({ length: 23 }, (_, i) => `m${i}`));
      equal(
        await page.getByRole("button", { name: "Show earlier messages" }).count(),
        0,
        "nothing earlier is left",
      );
      equal(
        await page.locator("#panel-character-chat .bubble.assistant .text").first().textContent(),
        "answer m0",
      );
    });
  },
);

browserTest(
  "a small context: the answer says what it remembers; a conversation that cannot fit offers a new chat",
  async () => {
    await withBrowser({ CONTEXT_TOKENS: "700" }, async (browser, app, upstream) => {
      upstream.script = (request) => ({
        chunks: [`Reply to ${request.body.messages!.at(-1)!.content}. `.repeat(30)],
      });
      const page = await openApp(browser, app.url);
      await page.selectOption("#chat-character", "witch");
      for (let i = 0; i < 6; i++) {
        await send(page, `Message ${i}`);
        await page.waitForSelector(".streaming-indicator", { state: "hidden", timeout: 10_000 });
      }
      const note = await page.locator("#panel-character-chat .remembers").last().textContent();
      ok(/^The Witch remembers the last \d+ messages\.$/.test(note ?? ""), note ?? "no note");
      // The model server finds even the trimmed conversation too long.
      upstream.use({
        status: 400,
        body: JSON.stringify({
          error: {
            message: "the request exceeds the available context size",
            type: "exceed_context_size_error",
          },
        }),
        headers: { "content-type": "application/json" },
      });
      await send(page, "One more");
      await page.waitForSelector(".alert-error");
      ok((await page.textContent(".alert-error"))?.includes("too long for the model's memory"));
      ok(
        (await page.textContent(".alert-error"))?.includes("exceeds the available context size"),
        "the server's words",
      );
      equal(
        await page.getByRole("button", { name: "Retry" }).count(),
        0,
        "asking the same again cannot help",
      );
      await page.getByRole("button", { name: "Start a new chat" }).click();
      await page.waitForFunction(() =>
        document.querySelectorAll("#panel-character-chat .bubble").length === 0
      );
      equal(
        await page.locator("#panel-character-chat .conversation-item:not(.current)").count(),
        1,
        "the long conversation is kept in the list",
      );
    });
  },
);
