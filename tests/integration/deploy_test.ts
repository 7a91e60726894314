/** The app as Deno Deploy runs it: net, env and read only (no write, no subprocess), KV with no path. */
import { equal, ok } from "node:assert/strict";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream } from "../support/fake_upstream.ts";
import { startMain } from "../support/main_process.ts";
import { readSse } from "../support/sse_client.ts";

Deno.test("main.ts serves and streams with only --allow-net --allow-env --allow-read", async () => {
  const upstream = new FakeUpstream();
  upstream.use({ chunks: ["Deployed ", "and ", "streaming."] });
  const main = await startMain({ OPENAI_BASE_URL: upstream.baseURL }, [
    "--allow-net",
    "--allow-env",
    "--allow-read",
  ]);
  try {
    const jar = new CookieJar();
    const page = await (await jar.fetch(main.url)).text();
    ok(page.includes("data-island"));
    const result = await readSse(
      await jar.post(`${main.url}/api/character-chat-stream`, { character: "ghost", message: "hi" }),
    );
    equal(result.text, "Deployed and streaming.");
    await readSse(
      await jar.post(`${main.url}/api/character-chat-stream`, { character: "ghost", message: "again" }),
    );
    equal(upstream.requests[1].body.messages!.length, 4, "history kept in KV");
    equal((await (await fetch(`${main.url}/api/health`)).json()).kv, "ok");
  } finally {
    await main.stop();
    await upstream.close();
  }
});
