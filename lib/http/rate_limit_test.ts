import { deepEqual, equal, ok } from "node:assert/strict";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("a bucket allows its burst, then one request per 60/n seconds", () => {
  let now = 0;
  const limiter = new RateLimiter(6, () => now);
  for (let i = 0; i < 6; i++) ok(limiter.take("a").ok);
  deepEqual(limiter.take("a"), { ok: false, retryAfterSeconds: 10 });
  ok(limiter.take("b").ok, "keys are separate");
  now += 10_000;
  ok(limiter.take("a").ok);
  equal(limiter.take("a").ok, false);
});

Deno.test("zero means no limit", () => {
  const limiter = new RateLimiter(0);
  for (let i = 0; i < 1000; i++) ok(limiter.take("a").ok);
});
