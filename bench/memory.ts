/**
 * Memory per open answer: heap after a full GC with N answers held open through Kabotan, minus
 * the same N held open directly against the upstream (client and upstream cost the same in
 * both), all in this one process. Run with `--v8-flags=--expose-gc`.
 */
import { startApp } from "../tests/support/app_server.ts";
import { FakeUpstream } from "../tests/support/fake_upstream.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 20));
  }
  return Deno.memoryUsage().heapUsed;
}

/** Opens `n` streams with `open`, waits until each has its first event, measures, then closes them. */
async function heldOpen(n: number, open: () => Promise<Response>): Promise<number> {
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  for (let i = 0; i < n; i++) {
    const reader = (await open()).body!.getReader();
    await reader.read();
    readers.push(reader);
  }
  const heap = await heapAfterGc();
  await Promise.all(readers.map((reader) => reader.cancel()));
  return heap;
}

export async function benchMemory(
  n = 300,
): Promise<{ streams: number; perStreamKiB: number; directKiB: number; kabotanKiB: number }> {
  if (!gc) throw new Error("run with --v8-flags=--expose-gc");
  const upstream = new FakeUpstream();
  // A first chunk, then quiet for a long time: the answers stay open while they are measured.
  upstream.use({ chunks: ["first ", "never"], stallAfter: 1 });
  const app = await startApp({
    OPENAI_BASE_URL: upstream.baseURL,
    LOG_LEVEL: "error",
    STREAMING_IDLE_TIMEOUT: "600",
  });
  try {
    const base = await heapAfterGc();
    const direct = await heldOpen(n, () =>
      fetch(`${upstream.baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }),
      }));
    await new Promise((r) => setTimeout(r, 500));
    const kabotan = await heldOpen(
      n,
      () => fetch(`${app.url}/api/character-chat-stream?character=ghost&message=hi`),
    );
    const directKiB = (direct - base) / 1024 / n;
    const kabotanKiB = (kabotan - base) / 1024 / n;
    return { streams: n, perStreamKiB: kabotanKiB - directKiB, directKiB, kabotanKiB };
  } finally {
    await app.close();
    await upstream.close();
  }
}

if (import.meta.main) console.log(await benchMemory());
