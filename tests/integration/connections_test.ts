/**
 * The connection gate in front of main.ts, attacked over loopback: a descriptor flood under a
 * lowered limit, idle, trickled and keep-alive connections, slow bodies, and the cap per address.
 */
import { equal, ok } from "node:assert/strict";
import { type MainProcess, startMain } from "../support/main_process.ts";
import { readSse } from "../support/sse_client.ts";

const FAST_DEMO = { DEMO_FIRST_TOKEN_MS: "0", DEMO_TOKENS_PER_SECOND: "2000" };

async function withMain(
  env: Record<string, string>,
  body: (main: MainProcess, port: number) => Promise<void>,
  options: { openFiles?: number } = {},
): Promise<void> {
  const main = await startMain(
    { KV_PATH: await Deno.makeTempFile({ suffix: ".kv" }), ...env },
    undefined,
    options,
  );
  try {
    await body(main, Number(new URL(main.url).port));
  } finally {
    await main.stop();
  }
}

const connect = (port: number) => Deno.connect({ hostname: "127.0.0.1", port });

/** Milliseconds until the server closes `conn` (reads hit end of stream), or Infinity past `limitMs`. */
async function closedAfter(conn: Deno.Conn, limitMs: number, started = performance.now()): Promise<number> {
  const buffer = new Uint8Array(4096);
  const deadline = setTimeout(() => conn.close(), limitMs);
  try {
    while (true) {
      const read = await conn.read(buffer);
      if (read === null) return performance.now() - started;
    }
  } catch {
    return Infinity; // we closed it ourselves: the server never did
  } finally {
    clearTimeout(deadline);
    try {
      conn.close();
    } catch {
      // closed
    }
  }
}

async function streamedAnswer(url: string): Promise<string> {
  const result = await readSse(await fetch(`${url}/api/character-chat-stream?character=ghost&message=boo`));
  equal(result.events.at(-1)?.payload.type, "done");
  return result.text;
}

Deno.test("a flood of idle connections past the descriptor limit neither kills the server nor stops it for good", async () => {
  await withMain({ ...FAST_DEMO, MAX_CONNECTIONS_PER_IP: "0" }, async (main, port) => {
    const flood: Deno.Conn[] = [];
    for (let i = 0; i < 400; i++) {
      try {
        flood.push(await connect(port));
      } catch {
        break; // the backlog is full: the kernel refuses, which is shedding too
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const conn of flood) {
      try {
        conn.close();
      } catch {
        // closed by the server
      }
    }
    ok(flood.length >= 200, `opened ${flood.length} connections`);
    // The process is alive and serves an answer once descriptors are free again.
    let text = "";
    for (let attempt = 0; attempt < 20 && !text; attempt++) {
      text = await streamedAnswer(main.url).catch(() => "");
      if (!text) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    ok(text.length > 10, `an answer after the flood; the server said: ${main.errors().slice(-2000)}`);
    const status = await Promise.race([main.process.status.then(() => "exited"), Promise.resolve("running")]);
    equal(status, "running");
  }, { openFiles: 256 });
});

Deno.test("idle, trickled-head and kept-alive connections are closed; a long answer is not cut", async () => {
  await withMain({
    HEADER_TIMEOUT: "1",
    IDLE_CONNECTION_TIMEOUT: "1",
    DEMO_FIRST_TOKEN_MS: "0",
    DEMO_TOKENS_PER_SECOND: "12",
  }, async (main, port) => {
    // A connection that never sends a byte.
    const idle = await closedAfter(await connect(port), 6000);
    ok(idle >= 900 && idle < 3000, `idle connection closed after ${idle} ms`);

    // A request head sent a few bytes at a time, never finished, yet never quiet for long.
    const trickle = await connect(port);
    const started = performance.now();
    const sending = (async () => {
      for (const piece of ["GET / HTTP/1.1\r\n", "Host: localhost\r\n", ...Array(40).fill("X-A: b\r\n")]) {
        await trickle.write(new TextEncoder().encode(piece)).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    const trickled = await closedAfter(trickle, 6000, started);
    await sending;
    ok(trickled >= 900 && trickled < 3000, `trickled head closed after ${trickled} ms`);

    // One request on a kept-alive connection, then silence.
    const kept = await connect(port);
    await kept.write(new TextEncoder().encode("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const afterResponse = performance.now();
    const keptAlive = await closedAfter(kept, 6000, afterResponse);
    ok(keptAlive >= 900 && keptAlive < 3500, `kept-alive connection closed after ${keptAlive} ms`);

    // An answer that streams for longer than both timeouts still arrives whole.
    const answerStarted = performance.now();
    const text = await streamedAnswer(main.url);
    ok(performance.now() - answerStarted > 1500, "the answer took longer than the timeouts");
    ok(text.length > 40);
  });
});

Deno.test("a body that trickles in is answered 408 and its connection closed", async () => {
  await withMain(
    { BODY_TIMEOUT: "1", HEADER_TIMEOUT: "2", IDLE_CONNECTION_TIMEOUT: "2" },
    async (_main, port) => {
      const conn = await connect(port);
      const head =
        "POST /api/set-language HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\n" +
        "content-length: 100\r\n\r\n{";
      await conn.write(new TextEncoder().encode(head));
      const buffer = new Uint8Array(4096);
      let response = "";
      const deadline = setTimeout(() => conn.close(), 8000);
      try {
        while (!response.includes("\r\n\r\n")) {
          const read = await conn.read(buffer);
          if (read === null) break;
          response += new TextDecoder().decode(buffer.subarray(0, read));
        }
      } finally {
        clearTimeout(deadline);
      }
      ok(response.startsWith("HTTP/1.1 408"), `got: ${response.split("\r\n")[0]}`);
      try {
        conn.close();
      } catch {
        // closed
      }
    },
  );
});

Deno.test("connections past the cap per address are closed at once; the rest are served", async () => {
  await withMain(
    { MAX_CONNECTIONS_PER_IP: "4", IDLE_CONNECTION_TIMEOUT: "30", HEADER_TIMEOUT: "30" },
    async (main, port) => {
      const held = await Promise.all(Array.from({ length: 4 }, () => connect(port)));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const extra = await connect(port);
      const refused = await closedAfter(extra, 3000);
      ok(refused < 1000, `the fifth connection was closed after ${refused} ms`);
      for (const conn of held) conn.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      equal((await fetch(`${main.url}/api/health`)).status, 200);
    },
  );
});

Deno.test("bound to loopback, a request naming another host is refused (DNS rebinding)", async () => {
  await withMain({}, async (main, port) => {
    const conn = await connect(port);
    await conn.write(
      new TextEncoder().encode(
        "GET /api/health HTTP/1.1\r\nHost: rebound.example:80\r\nConnection: close\r\n\r\n",
      ),
    );
    const buffer = new Uint8Array(4096);
    const read = await conn.read(buffer);
    conn.close();
    const head = new TextDecoder().decode(buffer.subarray(0, read ?? 0));
    ok(head.startsWith("HTTP/1.1 403"), head.split("\r\n")[0]);
    equal((await fetch(`http://localhost:${port}/api/health`)).status, 200, "localhost is this machine");
    equal((await fetch(`${main.url}/api/health`)).status, 200);
  });
});

Deno.test("behind a proxy (TRUST_PROXY) Deno.serve takes the connections directly: the proxy owns idle timeouts", async () => {
  await withMain(
    { ...FAST_DEMO, TRUST_PROXY: "true", HEADER_TIMEOUT: "1", IDLE_CONNECTION_TIMEOUT: "1" },
    async (main, port) => {
      // The gate would close a silent connection after 1 s (the test above); served directly, it stays.
      const idle = await closedAfter(await connect(port), 2500);
      equal(idle, Infinity, `closed by the server after ${idle} ms`);
      ok(main.started.includes('"connections":"proxy"'), "the start says who owns the connections");
      const text = await streamedAnswer(main.url);
      ok(text.length > 10);
      // The client's address is the proxy's last X-Forwarded-For entry, as before.
      equal(
        (await fetch(`${main.url}/api/health`, { headers: { "x-forwarded-for": "203.0.113.9" } })).status,
        200,
      );
    },
  );
});
