/** `main.ts` as the start task runs it: a real process with net, env, read and write (for the KV file). */
import { equal, match, ok } from "node:assert/strict";
import { readSse } from "../support/sse_client.ts";
import { failedStart, startMain } from "../support/main_process.ts";

Deno.test("main.ts serves the page, its hashed assets and a demo stream", async () => {
  const started = await startMain({
    DEMO_FIRST_TOKEN_MS: "10",
    DEMO_TOKENS_PER_SECOND: "500",
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
  });
  try {
    const health = await (await fetch(`${started.url}/api/health`)).json();
    equal(health.llm.provider, "demo");
    const page = await (await fetch(started.url)).text();
    const script = page.match(/src="(\/static\/build\/client-[0-9a-f]+\.js)"/)?.[1];
    ok(script, "the page links the hashed bundle");
    const asset = await fetch(started.url + script);
    equal(asset.status, 200);
    equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    match(asset.headers.get("content-type") ?? "", /javascript/);
    await asset.body?.cancel();
    const result = await readSse(
      await fetch(`${started.url}/api/character-chat-stream?character=jack&message=hi`),
    );
    ok(result.text.length > 20);
    equal(result.events.at(-1)?.payload.type, "done");
  } finally {
    await started.stop();
  }
});

Deno.test("a bad setting stops main.ts at once with a message naming it", async () => {
  const { code, stderr } = await failedStart({ PORT: "not-a-port" });
  equal(code, 1);
  match(stderr, /PORT must be a whole number/);
});

Deno.test("a KV_PATH in a missing or unwritable place stops main.ts with a clear message", async () => {
  const missing = await failedStart({ KV_PATH: "/nonexistent-dir/kabotan.kv" });
  equal(missing.code, 1);
  match(
    missing.stderr,
    /KV_PATH \/nonexistent-dir\/kabotan\.kv: the directory \/nonexistent-dir does not exist/,
  );
  const file = await Deno.makeTempFile();
  const notADir = await failedStart({ KV_PATH: `${file}/kabotan.kv` });
  equal(notADir.code, 1);
  match(notADir.stderr, /is not a directory/);
  const readOnly = await Deno.makeTempDir();
  await Deno.writeTextFile(`${readOnly}/kabotan.kv`, "this is not a database");
  const corrupt = await failedStart({ KV_PATH: `${readOnly}/kabotan.kv` });
  equal(corrupt.code, 1);
  match(corrupt.stderr, /KV_PATH .*cannot open the store there/);
});
