import { deepEqual, equal, ok } from "node:assert/strict";
import { featureFolders, registrySources } from "./features.ts";

const LIB_DIR = new URL("../", import.meta.url);

Deno.test("the committed registries are what the feature folders say (deno task build writes them)", async () => {
  const sources = registrySources(await featureFolders());
  for (const [file, text] of Object.entries(sources)) {
    equal(await Deno.readTextFile(new URL(file, LIB_DIR)), text, `lib/${file} is stale`);
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
      `settings: { temperature: 1, maxTokens: 100 }, demo: () => "", demoAsked: { en: "", ja: "" }, shelf: () => "${name}", ` +
      `continues: () => false, systemPrompt: () => "", userMessage: () => "", demoInputs: () => ({}) });\n`;
    for (
      const [folder, name, order, panel] of [["zeta", "zeta", 1, true], ["alpha", "alpha", 2, false]] as const
    ) {
      await Deno.mkdir(`${dir}/${folder}`);
      await Deno.writeTextFile(`${dir}/${folder}/mod.ts`, definition(name, order));
      if (panel) await Deno.writeTextFile(`${dir}/${folder}/panel.tsx`, "export default {};\n");
      await Deno.writeTextFile(
        `${dir}/${folder}/strings.json`,
        JSON.stringify({
          en: { [`feature.${name}`]: name },
          ja: { [`feature.${name}`]: `${name}（日本語）` },
        }),
      );
    }
    await Deno.mkdir(`${dir}/not_a_feature`);
    const folders = await featureFolders(new URL(`file://${dir}/`));
    deepEqual(folders.map((f) => [f.name, f.hasPanel]), [["zeta", true], ["alpha", false]]);
    const sources = registrySources(folders);
    ok(sources["shared/feature_names.gen.ts"].includes('"zeta",\n  "alpha"'));
    ok(sources["features/registry.gen.ts"].includes('import alpha from "./alpha/mod.ts"'));
    ok(sources["features/panels.gen.ts"].includes('import zeta from "./zeta/panel.tsx"'));
    ok(!sources["features/panels.gen.ts"].includes("alpha"));
    deepEqual(JSON.parse(sources["i18n/feature_strings.gen.json"]).ja, {
      "feature.zeta": "zeta（日本語）",
      "feature.alpha": "alpha（日本語）",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
