import { equal, ok, rejects } from "node:assert/strict";
import { type FleetLimitOptions, FleetLimits } from "./fleet_limits.ts";
import { ApiError } from "./api_error.ts";
import { InstanceLease } from "../instance_lease.ts";

const OPEN: FleetLimitOptions = {
  perSessionPerMinute: 0,
  perIpPerMinute: 0,
  concurrentPerSession: 0,
  concurrentPerIp: 0,
};

/** Three instances sharing one store: what each takes counts for all. */
async function fleet(options: Partial<FleetLimitOptions>, now?: () => number, leaseMs = 60_000) {
  const kv = await Deno.openKv(":memory:");
  const instances = [0, 1, 2].map(() =>
    new FleetLimits(kv, { ...OPEN, ...options }, new InstanceLease(kv, leaseMs, now), now)
  );
  return { kv, instances, [Symbol.dispose]: () => kv.close() };
}

async function refusal(taking: Promise<unknown>): Promise<string | undefined> {
  try {
    const held = await taking;
    (held as Disposable)[Symbol.dispose]();
    return undefined;
  } catch (error) {
    ok(error instanceof ApiError && error.status === 429, String(error));
    return (error as ApiError).details.code;
  }
}

Deno.test("a session's rate is exact across instances: taken in turn on three, the configured number a minute", async () => {
  let now = 1_000_000;
  using store = await fleet({ perSessionPerMinute: 6 }, () => now);
  const codes = [];
  for (let i = 0; i < 12; i++) codes.push(await refusal(store.instances[i % 3].take("s1", "10.0.0.1")));
  equal(codes.filter((code) => code === undefined).length, 6);
  equal(codes.filter((code) => code === "too_many_requests").length, 6);
  equal(await refusal(store.instances[0].take("s2", "10.0.0.1")), undefined, "another session has its own");
  now += 10_000; // one more every 60/6 s
  equal(await refusal(store.instances[1].take("s1", "10.0.0.1")), undefined);
  equal(await refusal(store.instances[2].take("s1", "10.0.0.1")), "too_many_requests");
});

Deno.test("an address's rate is exact across instances, whatever the sessions", async () => {
  using store = await fleet({ perIpPerMinute: 5 });
  let allowed = 0;
  for (let i = 0; i < 15; i++) {
    if (await refusal(store.instances[i % 3].take(`s${i}`, "2001:db8::" + i)) === undefined) allowed++;
  }
  equal(allowed, 5, "one /64 is one address");
});

Deno.test("answers at once are capped across instances, and a slot given back on one is free on all", async () => {
  using store = await fleet({ concurrentPerSession: 2, concurrentPerIp: 3 });
  const a = await store.instances[0].take("s", "10.0.0.2");
  const b = await store.instances[1].take("s", "10.0.0.2");
  equal(await refusal(store.instances[2].take("s", "10.0.0.2")), "too_many_answers");
  const c = await store.instances[2].take("t", "10.0.0.2");
  equal(await refusal(store.instances[0].take("u", "10.0.0.2")), "too_many_answers", "the address's cap");
  a[Symbol.dispose]();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const d = await store.instances[2].take("s", "10.0.0.2");
  for (const held of [b, c, d]) held[Symbol.dispose]();
});

Deno.test("concurrent takes on many instances never exceed the cap (every commit is checked)", async () => {
  using store = await fleet({ concurrentPerSession: 3 });
  const many = Array.from(
    { length: 8 },
    () =>
      new FleetLimits(store.kv, { ...OPEN, concurrentPerSession: 3 }, new InstanceLease(store.kv, 60_000)),
  )
    .concat(store.instances);
  const results = await Promise.allSettled(many.map((limits) => limits.take("s", "10.0.0.3")));
  equal(results.filter((r) => r.status === "fulfilled").length, 3);
  for (const r of results) if (r.status === "fulfilled") r.value[Symbol.dispose]();
});

Deno.test("a slot whose instance died (its heartbeat stopped) lapses after the lease; a held one stays", async () => {
  using store = await fleet({ concurrentPerSession: 1 }, undefined, 300);
  const alive = await store.instances[0].take("kept", "10.0.0.4");
  // An instance that dies holding a slot: its lease names it, and its heartbeat never comes.
  const now = Date.now();
  await store.kv.set(["limit", "running", "session", "dead"], {
    leases: [{ id: "x", instance: "gone", at: now, until: now + 60_000 }],
  });
  equal(await refusal(store.instances[1].take("dead", "10.0.0.5")), "too_many_answers");
  await new Promise((resolve) => setTimeout(resolve, 700));
  equal(await refusal(store.instances[1].take("dead", "10.0.0.5")), undefined, "lapsed");
  equal(
    await refusal(store.instances[2].take("kept", "10.0.0.4")),
    "too_many_answers",
    "kept by its heartbeat",
  );
  alive[Symbol.dispose]();
  await new Promise((resolve) => setTimeout(resolve, 50));
  equal(await refusal(store.instances[2].take("kept", "10.0.0.4")), undefined, "given back");
});

Deno.test("no answer holds a slot past the longest an answer runs, heartbeat or not", async () => {
  using store = await fleet({ concurrentPerSession: 1, maxHoldMs: 200 });
  const held = await store.instances[0].take("s", "10.0.0.7");
  equal(await refusal(store.instances[1].take("s", "10.0.0.7")), "too_many_answers");
  await new Promise((resolve) => setTimeout(resolve, 300));
  equal(await refusal(store.instances[1].take("s", "10.0.0.7")), undefined);
  held[Symbol.dispose]();
});

Deno.test("a refusal takes nothing: no slot is left held by a request that was refused", async () => {
  using store = await fleet({ perSessionPerMinute: 1, concurrentPerSession: 5 });
  await (await store.instances[0].take("s", "10.0.0.6"))[Symbol.dispose]();
  await rejects(store.instances[1].take("s", "10.0.0.6"), ApiError);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const running = await store.kv.get(["limit", "running", "session", "s"]);
  equal(running.value, null, "nothing running, nothing held");
});

Deno.test("a burst from one address is decided, not refused as busy: 300 takes at once on one instance, then on three", async () => {
  using store = await fleet({
    perIpPerMinute: 1000,
    perSessionPerMinute: 5,
    concurrentPerSession: 2,
    concurrentPerIp: 1000,
  });
  const burst = (instances: FleetLimits[], from: number) =>
    Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        instances[i % instances.length].take(`s${from + i}`, "10.0.0.9").then(
          (held) =>
            held,
          (error: ApiError) => error.details.code,
        )),
    );
  const alone = await burst([store.instances[0]], 0);
  equal(
    alone.filter((outcome) => typeof outcome === "string").length,
    0,
    String(alone.find((o) => typeof o === "string")),
  );
  const shared = await burst(store.instances, 300);
  const refused = shared.filter((outcome) => typeof outcome === "string");
  // 600 asked of a rate of 1000 a minute: all taken; and the address holds 600 slots.
  equal(refused.length, 0, String(refused[0]));
  const running = await store.kv.get<{ leases: unknown[] }>(["limit", "running", "ip", "10.0.0.9"]);
  equal(running.value?.leases.length, 600);
  for (const held of [...alone, ...shared]) (held as Disposable)[Symbol.dispose]();
});

Deno.test("during an upgrade, a slot held by an instance of the earlier version (no heartbeat, a renewed end) counts until that end", async () => {
  using store = await fleet({ concurrentPerSession: 1 });
  const now = Date.now();
  await store.kv.set(["limit", "running", "session", "old"], { leases: [{ id: "y", until: now + 300 }] });
  equal(await refusal(store.instances[0].take("old", "10.0.0.8")), "too_many_answers");
  await new Promise((resolve) => setTimeout(resolve, 400));
  equal(await refusal(store.instances[0].take("old", "10.0.0.8")), undefined, "not renewed: lapsed");
});
