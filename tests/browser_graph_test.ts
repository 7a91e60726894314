/** The browser bundle carries no server code: its entry's import graph reaches no server-only package. */
import { deepEqual, ok } from "node:assert/strict";

const SERVER_ONLY = ["openai", "prom-client", "zod", "hono"];

Deno.test("the browser entry's import graph reaches no openai, prom-client, zod or hono", async () => {
  const { stdout, success } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "client.ts"],
    cwd: new URL("../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "null",
  }).output();
  ok(success, "deno info ran");
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as { modules: Array<{ specifier: string }> };
  const specifiers = graph.modules.map((module) => module.specifier);
  ok(specifiers.some((specifier) => specifier.endsWith("/lib/shared/contract.ts")), "the graph was read");
  const reached = specifiers.filter((specifier) =>
    SERVER_ONLY.some((name) => specifier.startsWith(`npm:/${name}@`) || specifier.startsWith(`npm:${name}@`))
  );
  deepEqual(reached, []);
});
