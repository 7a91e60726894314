/**
 * Conversations people can keep, in a real Chromium at 1366 and 390 px, in English and Japanese:
 * New chat and the list (switching away mid-answer and back), a shelf of stories, edits that
 * branch, answers kept as versions, Stop in Send's place; axe-core clean in each new state.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import type { Page } from "playwright-core";
import { axeViolations, describeViolations } from "../support/axe.ts";
import { openApp, withBrowserApp } from "../support/browser.ts";
import type { FakeUpstream } from "../support/fake_upstream.ts";
import type { RunningApp } from "../support/app_server.ts";
import { translate } from "../../lib/i18n/mod.ts";
import type { MessageKey } from "../../lib/i18n/mod.ts";
import { CONVERSATION_LIMIT } from "../../lib/session/conversation_store.ts";

const SIZES = [{ width: 1366, height: 900 }, { width: 390, height: 844 }] as const;
const LANGUAGES = ["en", "ja"] as const;
type Language = typeof LANGUAGES[number];

/** One test per width and language. */
function eachLayout(
  name: string,
  fn: (
    page: Page,
    ctx: { app: RunningApp; upstream: FakeUpstream; lang: Language; phone: boolean },
  ) => Promise<void>,
) {
  for (const size of SIZES) {
    for (const lang of LANGUAGES) {
      Deno.test({
        name: `${name} (${size.width} px, ${lang})`,
        sanitizeOps: false,
        sanitizeResources: false,
        fn: () =>
          withBrowserApp({}, async (browser, app, upstream) => {
            const page = await openApp(browser, app.url, `/?lang=${lang}`, { bypassCSP: true });
            await page.setViewportSize(size);
            await fn(page, { app, upstream, lang, phone: size.width < 500 });
          }),
      });
    }
  }
}

const panel = (page: Page) => page.locator(".panel:not([hidden])");
const finished = (page: Page) =>
  page.waitForFunction(() =>
    [...document.querySelectorAll(".streaming-indicator")].every((el) => (el as HTMLElement).hidden)
  );
const questions = (page: Page) => panel(page).locator(".bubble.user .text").allTextContents();
const answers = (page: Page) => panel(page).locator(".bubble.assistant .text").allTextContents();

async function send(page: Page, message: string, { wait = true } = {}) {
  await page.fill("#chat-message-input", message);
  await page.click("#chat-submit");
  if (wait) await finished(page);
}

/** The list of the panel in view, opened where it is behind a button (a phone). */
async function openList(page: Page, phone: boolean) {
  const toggle = panel(page).locator(".list-toggle");
  if (phone && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await panel(page).locator(".conversation-list").waitFor({ state: "visible" });
}

async function clean(page: Page, state: string) {
  const violations = await axeViolations(page);
  equal(violations.length, 0, `${state}:\n${describeViolations(violations)}`);
}

const words = (n: number, from = "w") => Array.from({ length: n }, (_, i) => `${from}${i} `);

eachLayout(
  "New chat keeps the earlier one listed; switching away mid-answer and back finds it still streaming",
  async (page, { upstream, lang, phone, app }) => {
    const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
    upstream.use({ chunks: ["First answer."] }, { chunks: words(150), delayMs: 40 });
    await send(page, "one");
    await panel(page).getByRole("button", { name: t("list.new_chat") }).click();
    deepEqual(await questions(page), [], "a new, empty chat");
    equal(await page.evaluate(() => document.activeElement?.id), "chat-message-input", "ready to type");
    await send(page, "two", { wait: false });
    await page.waitForFunction(() =>
      (document.querySelector("#streaming-bubble")?.textContent ?? "").length > 10
    );
    const url = new URL(page.url());
    const two = url.searchParams.get("conversation");
    ok(two, "the URL names the open conversation");

    // Away to the first chat while the answer is written.
    await openList(page, phone);
    const items = panel(page).locator(".conversation-item");
    equal(await items.count(), 2);
    ok(
      (await items.first().textContent())?.includes(t("list.writing")),
      "the list shows which one is being written",
    );
    if (phone) await clean(page, "the list open on a phone, mid-answer");
    await items.filter({ hasText: "one" }).locator(".item-open").click();
    deepEqual(await questions(page), ["one"]);
    deepEqual(await answers(page), ["First answer."]);
    ok(
      await panel(page).locator(".note.elsewhere").isVisible(),
      "it says an answer is being written elsewhere",
    );
    ok(await page.isDisabled("#chat-submit"), "one answer at a time");
    await clean(page, "another chat shown while an answer is written");

    // And back: the answer is still growing, then ends whole.
    await panel(page).locator(".note.elsewhere button").click();
    deepEqual(await questions(page), ["two"]);
    await page.waitForSelector("#streaming-bubble");
    const grown = (await page.textContent("#streaming-bubble"))!.length;
    await finished(page);
    equal(await page.textContent("#streaming-bubble"), words(150).join(""));
    ok(grown < words(150).join("").length, "it was still being written when we came back");
    equal(new URL(page.url()).searchParams.get("conversation"), two);

    // A reload (or the link) opens the same conversation.
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    deepEqual(await questions(page), ["two"]);
    const other = await (await page.context().newPage());
    await other.goto(`${app.url}/?lang=${lang}&conversation=${two}`);
    await other.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    deepEqual(await questions(other), ["two"], "a link to it opens it in the same browser");
  },
);

eachLayout(
  "a shelf of stories: a second story adds to it; open, copy and delete one, with Undo",
  async (page, { upstream, lang, phone }) => {
    const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    upstream.use({ chunks: ["# The attic\n\nFirst story."] }, { chunks: ["# The fog\n\nSecond story."] });
    await page.click('[data-feature="story-generator"]');
    for (const theme of ["a locked attic", "fog"]) {
      await page.fill("#story-name", "Mina");
      await page.fill("#story-theme", theme);
      await page.click("#story-generator-submit");
      await finished(page);
    }
    ok((await page.textContent("#story-generator-result"))?.includes("Second story."));
    await openList(page, phone);
    const items = panel(page).locator(".conversation-item");
    deepEqual(
      await items.locator(".item-title").allTextContents(),
      ["Mina · fog", "Mina · a locked attic"],
      "both kept, newest first",
    );
    await clean(page, "the shelf");
    await items.filter({ hasText: "attic" }).locator(".item-open").click();
    ok(
      (await page.textContent("#story-generator-result"))?.includes("First story."),
      "the first story, opened",
    );
    await panel(page).locator("#story-generator-result .btn-copy").click();
    equal(await page.evaluate(() => navigator.clipboard.readText()), "# The attic\n\nFirst story.");

    await openList(page, phone);
    await items.filter({ hasText: "attic" }).getByRole("button", {
      name: t("list.delete_label", { title: "Mina · a locked attic" }),
    }).click();
    equal(await items.count(), 1, "gone from the shelf at once");
    ok(!(await page.textContent("#story-generator-result"))?.includes("First story."));
    await panel(page).getByRole("button", { name: t("list.undo") }).click();
    equal(await items.count(), 2, "Undo brought it back");
    await openList(page, phone);
    await items.filter({ hasText: "attic" }).getByRole("button", {
      name: t("list.delete_label", { title: "Mina · a locked attic" }),
    }).click();
    await page.reload(); // the page going away ends the Undo window: the server deletes it
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await page.click('[data-feature="story-generator"]');
    await openList(page, phone);
    deepEqual(await items.locator(".item-title").allTextContents(), ["Mina · fog"]);
  },
);

eachLayout(
  "Edit a question: a new branch, the old one kept; ‹ › switches, also after a reload",
  async (page, { upstream, lang, phone: _phone }) => {
    const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
    upstream.script = (request) => ({ chunks: [`re: ${request.body.messages!.at(-1)!.content}`] });
    await send(page, "first");
    await send(page, "second");
    await panel(page).locator(".bubble.user").first().getByRole("button", { name: t("edit.edit") }).click();
    await panel(page).getByRole("textbox", { name: t("edit.label") }).fill("first, edited");
    await clean(page, "a question being edited");
    await panel(page).getByRole("button", { name: t("edit.send") }).click();
    await finished(page);
    deepEqual(await questions(page), ["first, edited"]);
    deepEqual(
      upstream.requests.at(-1)!.body.messages!.slice(1).map((m) => m.content),
      ["first, edited"],
      "the model got the edited question alone",
    );
    const branches = panel(page).locator(".branch-switch");
    equal(await branches.locator(".ordinal").textContent(), "2/2");
    await branches.getByRole("button", { name: t("ordinal.previous_branch") }).click();
    await page.waitForFunction(() =>
      document.querySelectorAll(".panel:not([hidden]) .bubble.user").length === 2
    );
    deepEqual(await questions(page), ["first", "second"], "the earlier branch, whole");
    await clean(page, "a branch switched");
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    deepEqual(await questions(page), ["first", "second"], "the branch shown is kept");
    await send(page, "third");
    deepEqual(
      upstream.requests.at(-1)!.body.messages!.slice(1).map((m) => m.content),
      ["first", "re: first", "second", "re: second", "third"],
      "the model always gets the branch shown",
    );
    await panel(page).locator(".branch-switch").getByRole("button", { name: t("ordinal.next_branch") })
      .click();
    await page.waitForFunction(() =>
      document.querySelectorAll(".panel:not([hidden]) .bubble.user").length === 1
    );
    deepEqual(await questions(page), ["first, edited"]);
  },
);

eachLayout(
  "Regenerate keeps the earlier answer as a version: ‹ 1/2 › goes back to it, after a reload too",
  async (page, { upstream, lang }) => {
    const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
    upstream.use({ chunks: ["The first answer."] }, { chunks: ["The second answer."] });
    await send(page, "Tell me");
    await panel(page).getByRole("button", { name: t("answer.regenerate") }).click();
    await finished(page);
    deepEqual(await answers(page), ["The second answer."]);
    const versions = panel(page).locator(".version-switch");
    equal(await versions.locator(".ordinal").textContent(), "2/2");
    await versions.getByRole("button", { name: t("ordinal.previous_version") }).click();
    await page.waitForFunction(() =>
      document.querySelector(".panel:not([hidden]) .bubble.assistant .text")?.textContent ===
        "The first answer."
    );
    equal(await panel(page).locator(".version-switch .ordinal").textContent(), "1/2");
    await clean(page, "an earlier version shown");
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    deepEqual(await answers(page), ["The first answer."], "the version shown is kept");
    equal(await panel(page).locator(".version-switch .ordinal").textContent(), "1/2");
  },
);

eachLayout(
  "Stop takes Send's place, same size and spot, by keyboard too; a message typed meanwhile stays",
  async (page, { upstream, lang }) => {
    const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
    upstream.use({ chunks: words(80), delayMs: 40 }, { chunks: words(80), delayMs: 40 });
    /**
     * Where a button stands relative to the message box's bottom right corner (the conversation above
     * moves both together, and the box grows upwards with its text).
     */
    const placeOf = async (selector: string) => {
      const button = (await page.locator(selector).boundingBox())!;
      const input = (await page.locator("#chat-message-input").boundingBox())!;
      const [right, bottom] = [input.x + input.width, input.y + input.height];
      return { x: button.x - right, y: button.y - bottom, width: button.width, height: button.height };
    };
    const send = await placeOf("#chat-submit");
    await page.fill("#chat-message-input", "Talk a while");
    await page.click("#chat-submit");
    const stop = panel(page).locator(".send-place").getByRole("button", { name: t("stream.stop") });
    await stop.waitFor();
    equal(await stop.getAttribute("data-action"), "stop");
    const box = await placeOf('.send-place [data-action="stop"]');
    const sent = await page.locator("#chat-submit").evaluate((el) => (el as HTMLElement).hidden);
    ok(sent, "Send is hidden while Stop stands in its place");
    for (const side of ["x", "y", "width", "height"] as const) {
      ok(Math.abs(box[side] - send[side]) <= 1, `${side}: ${box[side]} vs ${send[side]}`);
    }
    await clean(page, "Stop in Send's place");

    // Enter while it writes: the message stays in the box, a quiet note says so, and goes with the answer.
    await page.fill("#chat-message-input", "Kept for later");
    await page.press("#chat-message-input", "Enter");
    ok(await panel(page).locator(".note.held").isVisible());
    equal(await page.locator(".alert-error, .field-error").count(), 0, "no error for it");
    equal(upstream.requests.length, 1, "nothing new was asked");

    // By keyboard: Tab from the box reaches Stop, Enter presses it.
    await page.focus("#chat-message-input");
    await page.keyboard.press("Tab");
    equal(await page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.action), "stop");
    await page.keyboard.press("Enter");
    await finished(page);
    equal(await page.locator(".note.held").count(), 0, "the note went with the answer");
    equal(await page.inputValue("#chat-message-input"), "Kept for later");
    ok(!(await page.isDisabled("#chat-submit")), "Send is back, ready");
    const back = await placeOf("#chat-submit");
    ok(Math.abs(back.x - box.x) <= 1 && Math.abs(back.y - box.y) <= 1, "in the same spot");

    // Escape stops it too.
    await page.click("#chat-submit");
    await stop.waitFor();
    await page.keyboard.press("Escape");
    await finished(page);
    ok((await panel(page).textContent())?.includes(t("stream.stopped")));
  },
);

eachLayout(
  "past the session's bounds the oldest conversation goes, and the list says so",
  async (page, { app, upstream, lang, phone }) => {
    const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
    upstream.use({ chunks: ["✨ A spell."] });
    // The browser's own session (its cookie), past the bound by one.
    for (let i = 0; i <= CONVERSATION_LIMIT; i++) {
      const response = await page.request.post(`${app.url}/api/spell-generator`, {
        data: { purpose: `spell ${i}`, language: lang },
      });
      equal(response.status(), 200);
    }
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
    await page.click('[data-feature="spell-generator"]');
    await openList(page, phone);
    equal(await panel(page).locator(".conversation-item").count(), CONVERSATION_LIMIT);
    const titles = await panel(page).locator(".item-title").allTextContents();
    ok(titles.includes("spell 1") && !titles.includes("spell 0"), "the least recently used went first");
    equal(
      (await panel(page).locator(".conversation-list .removed").textContent())?.trim(),
      t("list.removed", { title: "spell 0" }),
    );
    await clean(page, "a removal said in the list");
  },
);
