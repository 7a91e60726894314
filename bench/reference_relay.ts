/**
 * The plainest correct relay, for comparison: Hono's streamSSE and the openai SDK's own stream
 * iterator, one `data:` event per delta. `OPENAI_BASE_URL=… deno run -A bench/reference_relay.ts`
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import OpenAI from "openai";

const client = new OpenAI({ baseURL: Deno.env.get("OPENAI_BASE_URL"), apiKey: "k" });
const app = new Hono();
app.get("/stream", (c) =>
  streamSSE(c, async (stream) => {
    const completion = await client.chat.completions.create({
      model: "m",
      stream: true,
      messages: [{ role: "user", content: c.req.query("message") ?? "hi" }],
    }, { signal: c.req.raw.signal });
    let id = 0;
    for await (const chunk of completion) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) {
        await stream.writeSSE({ id: String(++id), data: JSON.stringify({ chunk: text, type: "content" }) });
      }
    }
    await stream.writeSSE({ id: String(++id), data: JSON.stringify({ chunk: "", type: "done" }) });
  }));
Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  app.fetch,
);
