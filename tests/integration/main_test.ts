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

Deno.test("a KV Connect URL in KV_PATH is used with DENO_KV_ACCESS_TOKEN; unreachable or without a token, main.ts says so", async () => {
  const noToken = await failedStart({ KV_PATH: "http://127.0.0.1:9/", DENO_KV_ACCESS_TOKEN: "" });
  equal(noToken.code, 1);
  match(noToken.stderr, /KV_PATH http:\/\/127\.0\.0\.1:9\/: a KV Connect URL needs DENO_KV_ACCESS_TOKEN/);

  const refused = await failedStart({ KV_PATH: "http://127.0.0.1:9/", DENO_KV_ACCESS_TOKEN: "t" });
  equal(refused.code, 1);
  match(refused.stderr, /KV_PATH http:\/\/127\.0\.0\.1:9\/: cannot reach the KV Connect server \(.*refused/i);

  // A server that is there but is not a KV Connect server: the request reached it, with the token.
  const seen: Array<{ method: string; authorization: string | null }> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    seen.push({ method: request.method, authorization: request.headers.get("authorization") });
    return new Response("not kv", { status: 503 });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const wrong = await failedStart({ KV_PATH: url, DENO_KV_ACCESS_TOKEN: "secret-token" });
    equal(wrong.code, 1);
    match(wrong.stderr, /cannot reach the KV Connect server/);
    ok(!wrong.stderr.includes("secret-token"), "the token is never printed");
    ok(
      seen.some((r) => r.method === "POST" && r.authorization === "Bearer secret-token"),
      JSON.stringify(seen),
    );
  } finally {
    await server.shutdown();
  }
});
