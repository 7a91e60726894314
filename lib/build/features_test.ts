import { deepEqual, equal, ok } from "node:assert/strict";
import { featureFolders, registrySources } from "./features.ts";

const FEATURES_DIR = new URL("../features/", import.meta.url);

Deno.test("the committed registries are what the feature folders say (deno task build writes them)", async () => {
  const sources = registrySources(await featureFolders());
  for (const [file, text] of Object.entries(sources)) {
    equal(await Deno.readTextFile(new URL(file, FEATURES_DIR)), text, `lib/features/${file} is stale`);
  }
});

Deno.test("a new folder with a definition is a new feature, in its place, with its panel", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const root = new URL("../../", import.meta.url).href;
    const definition = (name: string, order: number) =>
      `import { z } from "npm:zod@4.6.7";\n` +
      `import { defineFeature } from "${root}lib/features/feature.ts";\n` +
      `export default defineFeature({ name: "${name}", order: ${order}, schema: z.object({}), ` +
      `settings: { temperature: 1, maxTokens: 100 }, demo: () => "", conversationKey: () => "${name}", ` +
      `continues: () => false, systemPrompt: () => "", userMessage: () => "", demoInputs: () => ({}) });\n`;
    for (
      const [folder, name, order, panel] of [["zeta", "zeta", 1, true], ["alpha", "alpha", 2, false]] as const
    ) {
      await Deno.mkdir(`${dir}/${folder}`);
      await Deno.writeTextFile(`${dir}/${folder}/mod.ts`, definition(name, order));
      if (panel) await Deno.writeTextFile(`${dir}/${folder}/panel.tsx`, "export default {};\n");
    }
    await Deno.mkdir(`${dir}/not_a_feature`);
    const folders = await featureFolders(new URL(`file://${dir}/`));
    deepEqual(folders.map((f) => [f.name, f.hasPanel]), [["zeta", true], ["alpha", false]]);
    const sources = registrySources(folders);
    ok(sources["names.gen.ts"].includes('"zeta",\n  "alpha"'));
    ok(sources["registry.gen.ts"].includes('import alpha from "./alpha/mod.ts"'));
    ok(sources["panels.gen.ts"].includes('import zeta from "./zeta/panel.tsx"'));
    ok(!sources["panels.gen.ts"].includes("alpha"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
