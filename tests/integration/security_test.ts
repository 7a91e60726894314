/** Web security: headers, cross-site requests refused, and the API key nowhere but upstream. */
import { equal, match, ok } from "node:assert/strict";
import { launchBrowser, startAppWithAssets } from "../support/browser.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { withInProcessApp } from "../support/in_process.ts";

const KEY = "sk-kabotan-secret-4f9d2c7e1a";

Deno.test("every kind of response carries the security headers", async () => {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: ["ok"] });
  const app = await startAppWithAssets({ OPENAI_BASE_URL: upstream.baseURL });
  try {
    const page = await fetch(app.url);
    const script = (await page.text()).match(/src="([^"]+\.js)"/)![1];
    const responses = [
      page,
      await fetch(`${app.url}/api/health`),
      await fetch(`${app.url}/api/character-chat-stream?character=ghost&message=hi`),
      await fetch(`${app.url}/api/nope`),
      await fetch(app.url + script),
    ];
    for (const response of responses) {
      const csp = response.headers.get("content-security-policy") ?? "";
      match(csp, /default-src 'self'/, response.url);
      match(csp, /script-src 'self'(;|$)/, "no inline script, no eval");
      match(csp, /frame-ancestors 'none'/);
      equal(response.headers.get("x-content-type-options"), "nosniff");
      equal(response.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
      equal(response.headers.get("x-frame-options"), "DENY");
      if (!response.bodyUsed) await response.body?.cancel();
    }
    const html = await (await fetch(app.url)).text();
    ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "no inline script in the page");
  } finally {
    await app.close();
    await upstream.close();
  }
});

Deno.test("state-changing requests from another site are refused", async () => {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: ["ok"] });
  const app = await startAppWithAssets({ OPENAI_BASE_URL: upstream.baseURL });
  try {
    const jar = new CookieJar();
    const id = crypto.randomUUID();
    const attempts: Array<[string, string, unknown]> = [
      ["POST", "/api/set-language", { language: "ja" }],
      ["POST", "/api/character-chat", { character: "ghost", message: "hi" }],
      ["POST", "/api/character-chat-stream", { character: "ghost", message: "hi" }],
      ["DELETE", "/api/history/character-chat", undefined],
      ["POST", `/api/streams/${id}/stop`, {}],
    ];
    for (const [method, path, body] of attempts) {
      for (
        const headers of [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }] as Record<
          string,
          string
        >[]
      ) {
        const response = await jar.fetch(app.url + path, {
          method,
          headers: { "content-type": "application/json", ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        equal(response.status, 403, `${method} ${path} ${JSON.stringify(headers)}`);
        match((await response.json()).error, /cross-site/);
      }
    }
    equal(upstream.requests.length, 0);
    const own = await jar.fetch(`${app.url}/api/set-language`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url, "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ language: "ja" }),
    });
    equal(own.status, 200);
    await own.body?.cancel();
  } finally {
    await app.close();
    await upstream.close();
  }
});

Deno.test("the API key appears in no response, page, bundle or log line, even when the upstream echoes it", async () => {
  const upstream = new FakeUpstream();
  upstream.script = (request) => {
    const echoed = request.headers.get("authorization") ?? "";
    if (request.body.messages!.at(-1)!.content === "deny") {
      return {
        status: 401,
        body: JSON.stringify({ error: { message: `Incorrect API key provided: ${echoed}` } }),
      };
    }
    if (request.body.messages!.at(-1)!.content === "inside") {
      return {
        chunks: ["x"],
        errorAfter: 0,
        rawBefore: { 0: `data: {"error":{"message":"bad key ${echoed}"}}\n\n` },
      };
    }
    if (request.body.messages!.at(-1)!.content === "echo") {
      // A model that writes the key into its answer, split across deltas.
      return { chunks: ["Your key is ", KEY.slice(0, 9), KEY.slice(9, 20), `${KEY.slice(20)}, friend.`] };
    }
    return { chunks: ["fine"] };
  };
  const app = await startAppWithAssets({
    OPENAI_BASE_URL: upstream.baseURL,
    OPENAI_API_KEY: KEY,
    LOG_LEVEL: "debug",
  });
  try {
    const seen: string[] = [];
    const record = async (response: Response) => {
      seen.push(JSON.stringify([...response.headers]), await response.text());
    };
    const jar = new CookieJar();
    const pageResponse = await jar.fetch(app.url);
    const page = await pageResponse.clone().text();
    await record(pageResponse);
    for (const asset of page.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) {
      await record(await fetch(app.url + asset[1]));
    }
    await record(await fetch(`${app.url}/api/health`));
    for (const message of ["hello", "deny", "inside", "echo"]) {
      await record(await jar.post(`${app.url}/api/character-chat-stream`, { character: "ghost", message }));
      await record(await jar.post(`${app.url}/api/character-chat`, { character: "ghost", message }));
      await record(
        await jar.post(`${app.url}/api/trivia-bot-stream`, {
          question: message,
          request_id: crypto.randomUUID(),
        }),
      );
    }
    await record(await jar.fetch(app.url));
    ok(
      upstream.requests.every((r) => r.headers.get("authorization") === `Bearer ${KEY}`),
      "the key does go upstream",
    );
    ok(seen.some((text) => text.includes("OPENAI_API_KEY")), "the 401 was reported");
    for (const text of [...seen, ...app.logs]) {
      ok(!text.includes(KEY), `the key leaked: ${text.slice(0, 300)}`);
    }
    ok(app.logs.some((line) => line.includes("[redacted]")), "the echoed key was redacted from the log");
    ok(
      seen.some((text) => text.includes("Your key is [redacted], friend.")),
      "the answer kept its other text",
    );
  } finally {
    await app.close();
    await upstream.close();
  }
});

Deno.test({
  name: "the page runs under its Content-Security-Policy without a single violation",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const upstream = new FakeUpstream();
    upstream.use({ chunks: ["# Title\n\n", "Some **bold** text."] });
    const app = await startAppWithAssets({ OPENAI_BASE_URL: upstream.baseURL });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on(
        "console",
        (message) =>
          /Content Security Policy|Refused to/i.test(message.text()) && violations.push(message.text()),
      );
      page.on("pageerror", (error) => violations.push(String(error)));
      await page.goto(app.url);
      await page.waitForFunction(() =>
        document.querySelector("[data-island]")?.hasAttribute("data-hydrated")
      );
      await page.fill("#chat-message-input", "hi");
      await page.click("#chat-submit");
      await page.click('[data-feature="story-generator"]');
      await page.fill("#story-name", "Mina");
      await page.fill("#story-theme", "fog");
      await page.waitForSelector("#story-generator-submit:not([disabled])"); // the chat answer is done
      await page.click("#story-generator-submit");
      await page.waitForSelector("#story-generator-result strong");
      equal(violations.length, 0, violations.join("\n"));
    } finally {
      await browser.close();
      await app.close();
      await upstream.close();
    }
  },
});

Deno.test("/metrics without a token answers loopback clients only", async () => {
  await withInProcessApp({}, async (app) => {
    const remote = await app.request("/metrics");
    equal(remote.status, 403, "a client whose address is not loopback");
    await remote.body?.cancel();
  });
  await withInProcessApp({ TRUST_PROXY: "true" }, async (app) => {
    const proxied = await app.request("/metrics", { headers: { "x-forwarded-for": "203.0.113.7" } });
    equal(proxied.status, 403);
    await proxied.body?.cancel();
  });
  const local = await startAppWithAssets({});
  try {
    const response = await fetch(`${local.url}/metrics`);
    equal(response.status, 200, "on loopback it needs no token");
    match(await response.text(), /kabotan_answers_total/);
  } finally {
    await local.close();
  }
});
