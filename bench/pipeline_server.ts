/**
 * Kabotan's relay pipeline alone — the model client, the coalescing observer and the SSE encoder —
 * behind a bare `Deno.serve`: no Hono, session, history, limits, metrics or connection gate. The
 * CPU benchmark sets it beside the whole app to show what the app around the pipeline costs.
 * `deno run -A bench/pipeline_server.ts BASE_URL [FLUSH_MS]`
 */
import { loadConfig } from "../lib/config.ts";
import { createLlm } from "../lib/llm/mod.ts";
import { observeDeltas } from "../lib/llm/observe.ts";
import { relayDeltas } from "../lib/sse/relay.ts";

const [baseURL, flushMs = "40"] = Deno.args;
const config = loadConfig({ OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: "k", OPENAI_MODEL: "m" });
const llm = createLlm(config.llm, config.demo);

Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  (request) => {
    const deltas = llm.stream({
      messages: [{ role: "user", content: "hi" }],
      settings: { temperature: 1, maxTokens: 100 },
      signal: request.signal,
    });
    const events = relayDeltas(observeDeltas(deltas, () => {}, { flushMs: Number(flushMs) }), {
      keepAliveMs: config.sse.keepAliveMs,
      describeError: () => ({ message: "failed" }),
    });
    return new Response(events, { headers: { "content-type": "text/event-stream" } });
  },
);
