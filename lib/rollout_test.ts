import { equal, ok } from "node:assert/strict";
import { newSessionId } from "./session/sessions.ts";
import { bucketOf, streamsFor } from "./rollout.ts";

// Ten thousand random sessions: ±3 % is then seven standard deviations, so the check never
// fails by chance (with a thousand it was two, and failed a few runs in a hundred).
Deno.test("a percentage rollout splits ten thousand sessions within ±3 % of the target, stably", () => {
  const sessions = Array.from({ length: 10_000 }, () => newSessionId());
  for (const percent of [1, 10, 25, 50, 75, 90]) {
    const streaming = sessions.filter((id) => streamsFor(percent, id)).length / 100;
    ok(Math.abs(streaming - percent) <= 3, `${percent}%: ${streaming}%`);
  }
  for (const id of sessions.slice(0, 50)) {
    equal(streamsFor(25, id), streamsFor(25, id), "the same session, the same answer");
    equal(bucketOf(id), bucketOf(String(id)));
  }
  ok(
    sessions.filter((id) => streamsFor(10, id)).every((id) => streamsFor(25, id)),
    "raising the percentage only adds",
  );
});

Deno.test("true, false and a browser's override", () => {
  equal(streamsFor(100, undefined), true);
  equal(streamsFor(0, "any"), false);
  equal(streamsFor(0, "any", "on"), true);
  equal(streamsFor(100, "any", "off"), false);
  equal(streamsFor(50, undefined), false, "no session yet: not streaming until one is given");
});
