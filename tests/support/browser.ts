import { type Browser, chromium, type Page } from "playwright-core";
import { assetsOf, buildAssets } from "../../lib/build/assets.ts";
import { type RunningApp, startApp } from "./app_server.ts";
import { FakeUpstream } from "./fake_upstream.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/**
 * Debian's Chromium, headless, with the flags this machine's closed network needs. `backForwardCache`
 * keeps Chromium's back/forward cache on (Playwright switches it off by default).
 */
export function launchBrowser(
  { backForwardCache = false }: { backForwardCache?: boolean } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    ...(backForwardCache ? { ignoreDefaultArgs: ["--disable-back-forward-cache"] } : {}),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Starts the app with the real, built island bundle. */
export async function startAppWithAssets(env: Record<string, string>): Promise<RunningApp> {
  const { manifest } = await buildAssets();
  return await startApp(env, assetsOf(manifest));
}

let moduleChromium: Promise<Browser> | undefined;

/**
 * One Chromium for the whole test module, launched on first use and closed when the module is
 * done: each test still gets fresh contexts (no cookies or storage from the test before).
 */
export function moduleBrowser(): Promise<Browser> {
  if (!moduleChromium) {
    moduleChromium = launchBrowser();
    globalThis.addEventListener("unload", () => void moduleChromium?.then((browser) => browser.close()));
  }
  return moduleChromium;
}

/** Runs `body` with the module's browser and the app (real assets) in front of a fresh scripted upstream. */
export async function withBrowserApp(
  env: Record<string, string>,
  body: (browser: Browser, app: RunningApp, upstream: FakeUpstream) => Promise<void>,
  prepare?: (upstream: FakeUpstream) => void,
): Promise<void> {
  const upstream = new FakeUpstream();
  prepare?.(upstream);
  const app = await startAppWithAssets({ OPENAI_BASE_URL: upstream.baseURL, ...env });
  const browser = await moduleBrowser();
  try {
    await body(browser, app, upstream);
  } finally {
    // Every page and context the test opened goes with it; the browser stays for the next test.
    await Promise.all(browser.contexts().map((context) => context.close()));
    await app.close();
    await upstream.close();
  }
}

/**
 * Opens the app and waits until the island has hydrated. `bypassCSP` lets a test inject a script
 * of its own (axe-core); the app's policy stays on otherwise.
 */
export async function openApp(
  browser: Browser,
  url: string,
  path = "/",
  { bypassCSP = false }: { bypassCSP?: boolean } = {},
): Promise<Page> {
  const page = await (await browser.newContext({ bypassCSP })).newPage();
  await page.goto(url + path);
  await page.waitForFunction(() => document.querySelector("[data-island]")?.hasAttribute("data-hydrated"));
  return page;
}

/** Records every distinct text of `selector` as it changes, until `stop` is called. */
export async function recordTexts(page: Page, selector: string): Promise<() => Promise<string[]>> {
  await page.evaluate((sel) => {
    const seen: string[] = [];
    (window as unknown as { __texts: string[] }).__texts = seen;
    const observer = new MutationObserver(() => {
      const text = document.querySelector(sel)?.textContent ?? "";
      if (text && text !== seen.at(-1)) seen.push(text);
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, selector);
  return () => page.evaluate(() => (window as unknown as { __texts: string[] }).__texts);
}
