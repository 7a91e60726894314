/**
 * Three app processes on one KV file, as a fleet behind a balancer that spreads every request
 * round-robin: the limits on answers hold for the fleet, not per process.
 */
import { equal } from "node:assert/strict";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { type MainProcess, startMain } from "../support/main_process.ts";

async function withFleet(
  env: Record<string, string>,
  body: (fleet: MainProcess[], upstream: FakeUpstream) => Promise<void>,
) {
  const upstream = new FakeUpstream();
  const shared = {
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    ...env,
  };
  const fleet: MainProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) fleet.push(await startMain(shared));
    await body(fleet, upstream);
  } finally {
    for (const instance of fleet) await instance.stop().catch(() => {}); // (a killed one is gone already)
    await upstream.close();
  }
}

Deno.test("a session's answers a minute are the configured number across three instances, not three times it", async () => {
  await withFleet({ RATE_LIMIT_SESSION: "4", RATE_LIMIT_IP: "0" }, async (fleet, upstream) => {
    upstream.use({ chunks: ["Boo."] });
    const jar = new CookieJar();
    await (await jar.fetch(`${fleet[0].url}/`)).body?.cancel();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await jar.post(`${fleet[i % 3].url}/api/character-chat`, {
        character: "ghost",
        message: `q${i}`,
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    equal(statuses.filter((s) => s === 200).length, 4, statuses.join(" "));
    equal(statuses.filter((s) => s === 429).length, 8, statuses.join(" "));
  });
});

Deno.test("answers at once are capped across instances; a killed instance's slot lapses with its lease", async () => {
  await withFleet({ MAX_CONCURRENT_STREAMS: "1", STREAM_POLL_MS: "40" }, async (fleet, upstream) => {
    upstream.use({ chunks: Array.from({ length: 400 }, (_, i) => `w${i} `), delayMs: 20 });
    const jar = new CookieJar();
    await (await jar.fetch(`${fleet[0].url}/`)).body?.cancel();
    const running = await jar.post(`${fleet[0].url}/api/character-chat-stream`, {
      character: "ghost",
      message: "long",
    });
    equal(running.status, 200);
    const reader = running.body!.getReader();
    await reader.read();
    for (const other of [fleet[1], fleet[2]]) {
      const refused = await jar.post(`${other.url}/api/character-chat-stream`, {
        character: "witch",
        message: "and me",
      });
      equal(refused.status, 429, "the slot is held on another instance");
      equal((await refused.json()).code, "too_many_answers");
    }
    // The instance holding it dies without a word: within its lease (30 polls, 1.2 s) the slot is free.
    fleet[0].process.kill("SIGKILL");
    await reader.cancel().catch(() => {});
    await fleet[0].process.status;
    await sleep(2000);
    const after = await jar.post(`${fleet[1].url}/api/character-chat`, {
      character: "witch",
      message: "now?",
    });
    equal(after.status, 200);
    await after.body?.cancel();
  });
});
