/**
 * The edge, attacked from outside over loopback (main.ts behind its connection gate, or the app in
 * process behind a trusted proxy): slow readers, HTTP/2 without TLS, half-closed clients, IPv6
 * neighbours, and page reloads in a loop.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { CookieJar } from "../support/cookie_jar.ts";
import { FakeUpstream, sleep } from "../support/fake_upstream.ts";
import { startMain } from "../support/main_process.ts";
import { withInProcessApp } from "../support/in_process.ts";
import { pagePropsOf, shownMessages } from "../support/page_props.ts";
import { readSse } from "../support/sse_client.ts";

const encoder = new TextEncoder();

/** Reads a connection to its end (or `ms` of silence); the bytes, and whether it closed. */
async function readAll(conn: Deno.Conn, { ms = 5000, pace }: { ms?: number; pace?: number } = {}) {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(pace ?? 64 * 1024);
  let closed = false;
  while (true) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = await Promise.race([
      conn.read(buffer).catch(() => null),
      new Promise<"quiet">((resolve) => (timer = setTimeout(() => resolve("quiet"), ms))),
    ]);
    clearTimeout(timer);
    if (read === "quiet") break;
    if (read === null) {
      closed = true;
      break;
    }
    chunks.push(buffer.slice(0, read));
    // A slow reader: about `pace` bytes every 100 ms.
    if (pace) await sleep(100);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) (bytes.set(chunk, at), at += chunk.length);
  return { bytes, closed };
}

async function withGatedApp(
  env: Record<string, string>,
  body: (port: number, upstream: FakeUpstream) => Promise<void>,
) {
  const upstream = new FakeUpstream();
  const app = await startMain({
    OPENAI_BASE_URL: upstream.baseURL,
    KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }),
    RATE_LIMIT_SESSION: "0",
    RATE_LIMIT_IP: "0",
    ...env,
  });
  try {
    await body(Number(new URL(app.url).port), upstream);
  } finally {
    await app.stop();
    await upstream.close();
  }
}

Deno.test({
  name: "a slow reader gets every byte of a long response, however long it takes past the idle timeout",
  sanitizeResources: false,
  fn: () =>
    withGatedApp({ IDLE_CONNECTION_TIMEOUT: "1" }, async (port, upstream) => {
      // More than loopback's socket buffers hold, so that much of it waits in the gate.
      upstream.use({ chunks: Array.from({ length: 120 }, () => "x".repeat(100_000)) });
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const body = JSON.stringify({ question: "everything" });
      await conn.write(encoder.encode(
        `POST /api/trivia-bot HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      ));
      // About 2.6 MB/s: the twelve million characters take five seconds, five idle timeouts.
      const { bytes } = await readAll(conn, { pace: 256 * 1024 });
      conn.close();
      const text = new TextDecoder().decode(bytes);
      const head = text.slice(0, text.indexOf("\r\n\r\n"));
      const length = Number(head.match(/content-length: (\d+)/i)?.[1]);
      ok(length > 12_000_000, head);
      equal(bytes.length - head.length - 4, length, "the whole body arrived");
      equal(JSON.parse(text.slice(head.length + 4)).content.length, 12_000_000);
    }),
});

Deno.test({
  name: "HTTP/2 without TLS is refused at the gate; a half-closed client still gets its answer",
  sanitizeResources: false,
  fn: () =>
    withGatedApp({}, async (port) => {
      const h2 = await Deno.connect({ hostname: "127.0.0.1", port });
      // The connection preface, then an empty SETTINGS frame.
      await h2.write(encoder.encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
      await h2.write(new Uint8Array([0, 0, 0, 4, 0, 0, 0, 0, 0]));
      const refused = await readAll(h2, { ms: 2000 });
      h2.close();
      deepEqual([refused.bytes.length, refused.closed], [0, true], "closed without a frame");

      const half = await Deno.connect({ hostname: "127.0.0.1", port });
      await half.write(encoder.encode(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
      await half.closeWrite();
      const answered = new TextDecoder().decode((await readAll(half, { ms: 3000 })).bytes);
      half.close();
      ok(answered.startsWith("HTTP/1.1 200"), answered.slice(0, 200));
      ok(answered.includes('"status":"ok"'));
    }),
});

Deno.test("per-address caps count an IPv6 /64 as one address (behind a trusted proxy)", async () => {
  await withInProcessApp({ TRUST_PROXY: "true", SESSION_CREATE_PER_IP: "3" }, async (app) => {
    // Each request a new browser (no cookie), so each would start a session.
    const from = (address: string) =>
      app.fetch(`${app.url}/api/set-language`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ language: "ja" }),
      });
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await from(`2001:db8:1:2::${i.toString(16)}`)).status);
    deepEqual(statuses, [200, 200, 200, 429, 429, 429], "six addresses of one /64 are one neighbour");
    equal((await from("2001:db8:1:3::1")).status, 200, "the next /64 is another");
    equal((await from("198.51.100.7")).status, 200);
  });
});

Deno.test("the page shows a conversation's recent turns; earlier ones come on demand, in order", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.script = (request) => ({ chunks: [`a${request.body.messages!.at(-1)!.content.slice(1)}`] });
    const jar = new CookieJar(app.fetch);
    for (let i = 0; i < 45; i++) {
      await readSse(await jar.post("/api/character-chat-stream", { character: "witch", message: `q${i}` }));
    }
    const html = await (await jar.fetch("/")).text();
    const shown = shownMessages(html, "character-chat/witch");
    equal(shown.length, 40, "the last 20 turns");
    equal(shown[0], "u:q25");
    let older: string | undefined = pagePropsOf(html).older["character-chat/witch"];
    const earlier: string[] = [];
    while (older) {
      const window = await (await jar.fetch(`/api/history/character-chat/witch?before=${older}`)).json();
      earlier.unshift(
        ...window.messages.map((m: { role: string; content: string }) => `${m.role[0]}:${m.content}`),
      );
      older = window.older;
    }
    deepEqual([...earlier, ...shown], Array.from({ length: 45 }, (_, i) => [`u:q${i}`, `a:a${i}`]).flat());
    const stranger = new CookieJar(app.fetch);
    const theirs =
      await (await stranger.fetch(`/api/history/character-chat/witch?before=${older ?? "x".repeat(16)}`))
        .json();
    deepEqual(theirs.messages, [], "another session's history is not there");
    equal((await jar.fetch("/api/history/character-chat/witch?before=..")).status, 400);
    equal((await jar.fetch("/api/history/character-chat/witch?limit=999")).status, 400);
  });
});

Deno.test("page loads are limited per session and per address", async () => {
  await withInProcessApp({ RATE_LIMIT_PAGES: "5" }, async (app) => {
    const jar = new CookieJar(app.fetch);
    await readSse(await jar.post("/api/trivia-bot-stream", { question: "hi" }));
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await jar.fetch("/")).status);
    deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const limited = await jar.fetch("/");
    ok(Number(limited.headers.get("retry-after")) > 0);
    // Another browser on the same address still gets its page, up to the address's own limit.
    equal((await new CookieJar(app.fetch).fetch("/")).status, 200);
  });
});
