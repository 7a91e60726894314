/**
 * A fleet behind a real load balancer: three `main.ts` processes on one KV file behind HAProxy,
 * round-robin, no stickiness, each request landing wherever the balancer sends it. Limits hold for
 * the fleet, a reader resumes on any instance, Stop works from any, a killed instance's answers
 * end with their text kept, and a rolling restart of every instance ends no answer with an error.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { freePort, startBalancer } from "../support/balancer.ts";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { type MainProcess, startMain } from "../support/main_process.ts";
import { pagePropsOf } from "../support/page_props.ts";
import { readSse, type ReceivedEvent } from "../support/sse_client.ts";
import { GO_ON } from "../../lib/features/feature.ts";
import type { StreamEvent } from "../../lib/shared/contract.ts";

const REST = ["and ", "so ", "it ", "ends."];

/** The model: a long answer of `words` words, and, asked to go on, the rest of it. */
function scriptedUpstream(words: number, delayMs: number): FakeUpstream {
  const upstream = new FakeUpstream();
  upstream.script = (request) =>
    request.body.messages!.at(-1)!.content === GO_ON.en
      ? { chunks: REST, delayMs }
      : { chunks: Array.from({ length: words }, (_, i) => `w${i} `), delayMs };
  return upstream;
}

interface Fleet {
  url: string;
  instances: MainProcess[];
  /** SIGTERM to one instance, then the same instance again on its port once it has exited. */
  restart(i: number): Promise<void>;
  stop(): Promise<void>;
}

async function startFleet(env: Record<string, string>): Promise<Fleet> {
  const shared = { KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }), TRUST_PROXY: "true", ...env };
  const ports = [freePort(), freePort(), freePort()];
  const instances = await Promise.all(ports.map((port) => startMain({ ...shared, PORT: String(port) })));
  const balancer = await startBalancer(ports);
  return {
    url: balancer.url,
    instances,
    async restart(i) {
      instances[i].process.kill("SIGTERM");
      equal((await instances[i].process.status).code, 0, "it exits cleanly");
      instances[i] = await startMain({ ...shared, PORT: String(ports[i]) });
    },
    async stop() {
      await balancer.stop();
      await Promise.all(instances.map((instance) => instance.stop().catch(() => {})));
    },
  };
}

/** The limits that would get in the way of many answers from one address. */
const OPEN = {
  RATE_LIMIT_IP: "0",
  MAX_CONCURRENT_STREAMS_PER_IP: "0",
  SESSION_CREATE_PER_IP: "0",
  RATE_LIMIT_PAGES: "0",
  STREAM_POLL_MS: "50",
};

/**
 * Reads an answer to `done` as the page does: from its first response, then, whenever the
 * connection ends before `done`, again through the balancer from the last event it has.
 * `statuses`: every HTTP status the balancer answered with.
 */
async function readToDone(
  jar: CookieJar,
  url: string,
  answerId: string,
  first: Response,
  statuses: number[],
): Promise<{ events: StreamEvent[]; text: string; reconnects: number }> {
  const events: StreamEvent[] = [];
  let lastId = 0;
  let response: Response | undefined = first;
  for (let reconnects = 0; reconnects < 100; reconnects++) {
    if (response) {
      statuses.push(response.status);
      if (response.status === 200) {
        const took = (event: ReceivedEvent) => {
          if (event.id === undefined) return; // an instance's word ("reconnect"), not the answer's
          lastId = Number(event.id);
          events.push(event.payload);
        };
        await readSse(response, took).catch(() => {}); // a dropped connection: come back
      } else await response.body?.cancel();
      if (events.at(-1)?.type === "done" || response.status === 204) {
        const text = events.map((event) => (event.type === "content" ? event.chunk : "")).join("");
        return { events, text, reconnects };
      }
    }
    await sleep(100);
    response = await jar.fetch(`${url}/api/streams/${answerId}`, {
      headers: { "last-event-id": String(lastId) },
    })
      .catch(() => undefined);
  }
  throw new Error(`answer ${answerId} never ended`);
}

function startAnswer(jar: CookieJar, url: string, answerId: string, message = "Tell me a long tale") {
  return jar.post(`${url}/api/character-chat-stream`, { character: "ghost", message, request_id: answerId });
}

Deno.test("behind HAProxy: the session's rate is exact across the fleet, a reader resumes on any instance, Stop works from any", async () => {
  const upstream = scriptedUpstream(60, 30);
  const fleet = await startFleet({ ...OPEN, OPENAI_BASE_URL: upstream.baseURL, RATE_LIMIT_SESSION: "4" });
  try {
    // 12 answers round-robin over three instances: 4 answered, as for one instance.
    const limited = new CookieJar();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await limited.post(`${fleet.url}/api/character-chat`, {
        character: "witch",
        message: `Q${i}`,
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    deepEqual(statuses.filter((s) => s === 200).length, 4, statuses.join(" "));
    deepEqual(statuses.filter((s) => s === 429).length, 8, statuses.join(" "));

    // A reader that drops and comes back three times, landing on each instance in turn.
    const reader = new CookieJar();
    const answerId = crypto.randomUUID();
    let response = await startAnswer(reader, fleet.url, answerId);
    const events: ReceivedEvent[] = [];
    for (let leg = 0; leg < 4; leg++) {
      const body = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (leg < 3 ? (seen.match(/\nid: /g)?.length ?? 0) < 5 : !seen.includes('"type":"done"')) {
        const { done, value } = await body.read();
        if (done) break;
        seen += value;
      }
      await body.cancel();
      for (const block of seen.split("\n\n")) {
        const id = block.match(/^id: (\d+)$/m)?.[1];
        const data = block.match(/^data: (.*)$/m)?.[1];
        if (id && data) events.push({ id, payload: JSON.parse(data) });
      }
      if (leg < 3) {
        response = await reader.fetch(`${fleet.url}/api/streams/${answerId}`, {
          headers: { "last-event-id": events.at(-1)!.id! },
        });
        equal(response.status, 200);
      }
    }
    deepEqual(
      events.map((event) => Number(event.id)),
      events.map((_, i) => i + 1),
      "no event lost or repeated",
    );
    equal(events.at(-1)!.payload.type, "done");
    const text = events.map(({ payload }) => (payload.type === "content" ? payload.chunk : "")).join("");
    equal(text, Array.from({ length: 60 }, (_, i) => `w${i} `).join(""));

    // Stop, asked of whichever instance the balancer picks.
    const stopper = new CookieJar();
    const stopId = crypto.randomUUID();
    const running = startAnswer(stopper, fleet.url, stopId);
    const stopStatuses: number[] = [];
    const stoppedRead = running.then((first) => readToDone(stopper, fleet.url, stopId, first, stopStatuses));
    await sleep(400);
    for (let i = 0; i < 3; i++) {
      const stop = await stopper.post(`${fleet.url}/api/streams/${stopId}/stop`, {});
      const said = await stop.json();
      if (i === 0) deepEqual(said, { stopped: true });
    }
    const stopped = await stoppedRead;
    equal(stopped.events.at(-1)!.type, "done");
    ok(stopped.text.length > 0 && !stopped.text.includes("w59"), "it stopped partway");
  } finally {
    await fleet.stop();
    await upstream.close();
  }
});

Deno.test("behind HAProxy: kill -9 of one instance mid-answer ends its answers with their text kept; the others finish", async () => {
  const upstream = scriptedUpstream(150, 30);
  const fleet = await startFleet({ ...OPEN, OPENAI_BASE_URL: upstream.baseURL });
  try {
    const statuses: number[] = [];
    const answers = Array.from({ length: 6 }, async () => {
      const jar = new CookieJar();
      const answerId = crypto.randomUUID();
      const first = await startAnswer(jar, fleet.url, answerId);
      return { jar, read: await readToDone(jar, fleet.url, answerId, first, statuses) };
    });
    await sleep(1500);
    fleet.instances[0].process.kill("SIGKILL");
    const ended = await Promise.all(answers);
    let cut = 0;
    for (const { jar, read } of ended) {
      equal(read.events.at(-1)!.type, "done");
      const chat = pagePropsOf(await (await jar.fetch(fleet.url)).text()).history["character-chat/ghost"];
      if (chat[1].incomplete) {
        cut++;
        const error = read.events.find((event) => event.type === "error");
        equal(error?.type === "error" && error.code, "orphaned", "its reader is told it was cut off");
      }
      // The killed instance's answers keep what reached the log: at most the last flush's worth
      // (a few words a reader was shown just before the kill) is missing, nothing is invented.
      ok(
        read.text.startsWith(chat[1].content),
        "history keeps what the reader was shown, as far as it was logged",
      );
      ok(chat[1].content.length > 0);
      if (!chat[1].incomplete) equal(chat[1].content, read.text);
    }
    ok(cut >= 1 && cut < 6, `${cut} of 6 answers were cut by the kill`);
    ok(statuses.every((status) => status < 500), statuses.join(" "));
  } finally {
    await fleet.stop();
    await upstream.close();
  }
});

Deno.test("behind HAProxy: a rolling SIGTERM of all three instances while 50 answers stream ends none with an error", async () => {
  const upstream = scriptedUpstream(250, 40);
  const fleet = await startFleet({
    ...OPEN,
    OPENAI_BASE_URL: upstream.baseURL,
    SHUTDOWN_GRACE: "1",
    MAX_CONCURRENT_STREAMS: "0",
  });
  try {
    const statuses: number[] = [];
    const answers = Array.from({ length: 50 }, async (_, i) => {
      await sleep(i * 20);
      const jar = new CookieJar();
      const answerId = crypto.randomUUID();
      const first = await startAnswer(jar, fleet.url, answerId);
      return { jar, read: await readToDone(jar, fleet.url, answerId, first, statuses) };
    });
    await sleep(1500);
    for (let i = 0; i < 3; i++) {
      await fleet.restart(i);
      await sleep(500);
    }
    const ended = await Promise.all(answers);
    const handedOver = upstream.requests.filter((r) => r.body.messages!.at(-1)!.content === GO_ON.en).length;
    ok(handedOver > 0, "some answers went on elsewhere");
    for (const { jar, read } of ended) {
      const errors = read.events.filter((event) => event.type === "error");
      deepEqual(errors, [], "no answer ends with an error");
      equal(read.events.at(-1)!.type, "done");
      const chat = pagePropsOf(await (await jar.fetch(fleet.url)).text()).history["character-chat/ghost"];
      equal(chat.length, 2);
      equal(chat[1].content, read.text, "history keeps the whole answer the reader read");
      equal(chat[1].incomplete, undefined);
      ok(read.text.startsWith("w0 w1 "));
      ok(read.text.endsWith("w249 ") || read.text.endsWith("and so it ends."), read.text.slice(-40));
    }
    ok(statuses.every((status) => status < 500), `no 5xx from the balancer: ${statuses.join(" ")}`);
  } finally {
    await fleet.stop();
    await upstream.close();
  }
});
