/** `main.ts` as the start task runs it: a real process with net, env, read and write (for the KV file). */
import { equal, match, ok } from "node:assert/strict";
import { readSse } from "../support/sse_client.ts";
import { buildAssets } from "../../lib/build/assets.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Started {
  url: string;
  process: Deno.ChildProcess;
  output: string[];
}

async function startMain(env: Record<string, string>): Promise<Started> {
  await buildAssets();
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "main.ts"],
    cwd: ROOT,
    env: { PORT: "0", KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }), ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  const lines = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const deadline = setTimeout(() => process.kill("SIGKILL"), 20_000);
  while (true) {
    const { done, value } = await lines.read();
    if (done) clearTimeout(deadline);
    if (done) throw new Error(`main.ts exited before listening: ${buffer}`);
    buffer += value;
    const match = buffer.match(/"url":"(http:\/\/[^"]+)\/"/);
    if (match) {
      clearTimeout(deadline);
      output.push(buffer);
      void lines.cancel().catch(() => {});
      return { url: match[1].replace("localhost", "127.0.0.1"), process, output };
    }
  }
}

async function stop(started: Started): Promise<void> {
  started.process.kill("SIGTERM");
  await started.process.status;
  await started.process.stderr.cancel().catch(() => {});
}

Deno.test("main.ts serves the page, its hashed assets and a demo stream", async () => {
  const started = await startMain({
    DEMO_FIRST_TOKEN_MS: "10",
    DEMO_TOKENS_PER_SECOND: "500",
    LOG_LEVEL: "info",
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
    await stop(started);
  }
});

async function failedStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "main.ts"],
    cwd: ROOT,
    env: { PORT: "0", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

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
