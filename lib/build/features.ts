/**
 * Writes the feature registries from the folders in `lib/features/`: a folder with a `mod.ts`
 * (its definition, default-exported) is a feature, and its `panel.tsx` (default-exported panel
 * entry) is its part of the page. Like Fresh's `fresh.gen.ts`, the results are committed, and
 * `deno task build` writes them again; a test checks that they are up to date.
 *
 * - `names.gen.ts`: the names in page order, for the contract (no imports: the browser reads it);
 * - `registry.gen.ts`: the definitions, for the server;
 * - `panels.gen.ts`: the panel entries, for the page.
 */

const FEATURES_DIR = new URL("../features/", import.meta.url);

export interface FeatureFolder {
  folder: string;
  name: string;
  order: number;
  hasPanel: boolean;
}

/** Every feature folder, in page order (each definition's `order`, then its name). */
export async function featureFolders(dir: URL = FEATURES_DIR): Promise<FeatureFolder[]> {
  const found: FeatureFolder[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory) continue;
    const mod = new URL(`${entry.name}/mod.ts`, dir);
    if (!await exists(mod)) continue;
    const definition = (await import(mod.href)).default as { name?: unknown; order?: unknown } | undefined;
    if (typeof definition?.name !== "string" || typeof definition.order !== "number") {
      throw new Error(`lib/features/${entry.name}/mod.ts must default-export a feature definition`);
    }
    found.push({
      folder: entry.name,
      name: definition.name,
      order: definition.order,
      hasPanel: await exists(new URL(`${entry.name}/panel.tsx`, dir)),
    });
  }
  return found.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

const HEADER = "// Written by `deno task build` from the folders in lib/features/: do not edit.\n";

const list = (features: FeatureFolder[]) => features.map((f) => `  ${identifier(f.folder)},\n`).join("");

const identifier = (folder: string) => folder.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** The three generated files' text, by file name. */
export function registrySources(features: FeatureFolder[]): Record<string, string> {
  const names = features.map((f) => `  "${f.name}",\n`).join("");
  const definitions = features.map((f) => `import ${identifier(f.folder)} from "./${f.folder}/mod.ts";\n`)
    .join("");
  const withPanels = features.filter((f) => f.hasPanel);
  const panels = withPanels.map((f) => `import ${identifier(f.folder)} from "./${f.folder}/panel.tsx";\n`)
    .join("");
  return {
    "names.gen.ts": `${HEADER}export const FEATURE_NAMES = [\n${names}] as const;\n`,
    "registry.gen.ts": `${HEADER}import type { Feature } from "./feature.ts";\n${definitions}\n` +
      `export const FEATURE_DEFINITIONS: Feature[] = [\n${list(features)}];\n`,
    "panels.gen.ts": `${HEADER}import type { PanelEntry } from "./panel.ts";\n${panels}\n` +
      `export const PANELS: PanelEntry[] = [\n${list(withPanels)}];\n`,
  };
}

/** Writes the registries where they changed; returns the names of those written. */
export async function writeRegistries(dir: URL = FEATURES_DIR): Promise<string[]> {
  const written: string[] = [];
  for (const [file, text] of Object.entries(registrySources(await featureFolders(dir)))) {
    const url = new URL(file, dir);
    const current = await Deno.readTextFile(url).catch(() => undefined);
    if (current === text) continue;
    await Deno.writeTextFile(url, text);
    written.push(file);
  }
  return written;
}

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch {
    return false;
  }
}
