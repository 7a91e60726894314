/**
 * Folders only import downwards: in the graph of which folder imports which (lib/'s subfolders
 * each count as one, lib/'s own files as `lib`), there is no cycle, two folders long or longer.
 * Read from `deno info`, so type-only imports count too.
 */
import { deepEqual, ok } from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).href;
const ENTRIES = ["main.ts", "client.ts", "dev.ts"];

/** `lib/http` for lib/http/gate.ts, `lib` for lib/config.ts, `islands` for islands/mod.ts. */
function folderOf(specifier: string): string | undefined {
  if (!specifier.startsWith(ROOT)) return undefined;
  const parts = specifier.slice(ROOT.length).split("/");
  if (parts.length === 1) return "(root)";
  if (parts[0] === "lib" && parts.length > 2) return `lib/${parts[1]}`;
  return parts[0];
}

async function folderGraph(): Promise<Map<string, Set<string>>> {
  const edges = new Map<string, Set<string>>();
  for (const entry of ENTRIES) {
    const { stdout, success } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: new URL(ROOT).pathname,
      stdout: "piped",
      stderr: "null",
    }).output();
    ok(success, `deno info ${entry}`);
    type Dependency = { code?: { specifier?: string }; type?: { specifier?: string } };
    const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
      modules: Array<{ specifier: string; dependencies?: Dependency[] }>;
    };
    for (const module of graph.modules) {
      const from = folderOf(module.specifier);
      if (!from || from === "(root)") continue;
      for (const dependency of module.dependencies ?? []) {
        for (const target of [dependency.code?.specifier, dependency.type?.specifier]) {
          const to = target && folderOf(target);
          if (!to || to === from) continue;
          if (!edges.has(from)) edges.set(from, new Set());
          edges.get(from)!.add(to);
        }
      }
    }
  }
  return edges;
}

/** Every cycle's folders (Tarjan's strongly connected components of more than one folder). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

Deno.test("no folder imports a folder that imports it back, however far round", async () => {
  const edges = await folderGraph();
  ok(edges.get("lib/answers")?.has("lib/llm"), "the graph was read");
  const detail = cycles(edges).map((cycle) =>
    cycle.map((folder) => `${folder} → ${[...edges.get(folder) ?? []].filter((to) => cycle.includes(to))}`)
  );
  deepEqual(detail, []);
});

Deno.test("the cycle finder sees a cycle three folders round", () => {
  const edges = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])], [
    "d",
    new Set(["a"]),
  ]]);
  deepEqual(cycles(edges), [["a", "b", "c"]]);
});

Deno.test("shared code imports nothing but shared code", async () => {
  const edges = await folderGraph();
  deepEqual([...edges.get("lib/shared") ?? []], []);
});
