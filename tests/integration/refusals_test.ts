/** A request refused part-way gives back everything it took: its concurrency slot, its claimed request_id. */
import { equal, ok } from "node:assert/strict";
import { withInProcessApp } from "../support/in_process.ts";
import { readSse } from "../support/sse_client.ts";

Deno.test("a refused follow-up gives its slot back: the session is not locked out", async () => {
  await withInProcessApp({ MAX_CONCURRENT_STREAMS: "1" }, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    // A follow-up with no diagnosis to follow is refused, after the limits were checked.
    for (let i = 0; i < 3; i++) {
      const refused = await app.post("/api/monster-diagnostic", { question: "Can I go out by day?" });
      equal(refused.status, 400);
      equal((await refused.json()).field, "question");
    }
    const next = await app.post("/api/character-chat", { character: "witch", message: "hello" });
    equal(next.status, 200, "the session may still ask");
    equal((await next.json()).content, "ok");
  });
});

Deno.test("a refused request with a request_id leaves no answer behind to attach to", async () => {
  await withInProcessApp({}, async (app, upstream) => {
    upstream.use({ chunks: ["ok"] });
    const answerId = crypto.randomUUID();
    const refused = await app.post("/api/monster-diagnostic-stream", {
      question: "Can I go out by day?",
      request_id: answerId,
    });
    equal(refused.status, 400);
    await refused.body?.cancel();
    const resumed = await app.request(`/api/streams/${answerId}`);
    equal(resumed.status, 404, "nothing to resume");
    await resumed.body?.cancel();
    const page = await (await app.request("/")).text();
    ok(!page.includes(answerId), "the page does not re-attach to it");
    // The id is free again for the real request.
    const diagnosis = await app.post("/api/monster-diagnostic-stream", {
      favorite_food: "garlic bread",
      sleep_schedule: "noon to dusk",
      hobby: "organ music",
      fear: "mirrors",
      request_id: answerId,
    });
    equal((await readSse(diagnosis)).text, "ok");
  });
});
