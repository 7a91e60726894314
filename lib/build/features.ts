/**
 * Gathers the feature folders in `lib/features/` into the files the rest of the app reads. A
 * folder with a `mod.ts` (its definition, default-exported) is a feature; everything else it has
 * lives beside it: `panel.tsx` (its part of the page), `strings.json` (its words in every
 * language), `styles.css` (its styles). Like Fresh's `fresh.gen.ts`, the generated files are
 * committed, `deno task build` writes them again, and a test fails when they are stale:
 *
 * - `lib/shared/feature_names.gen.ts`: the names in page order, for the contract (no imports);
 * - `lib/features/registry.gen.ts`: the definitions, for the server;
 * - `lib/features/panels.gen.ts`: the panel entries, for the page;
 * - `lib/i18n/feature_strings.gen.json`: every feature's strings, by language (data, no imports,
 *   so the dictionaries never import the features that use them).
 *
 * The styles are joined to the stylesheet when the assets are built (`assets.ts`).
 */
import { LANGUAGES } from "../shared/contract.ts";

const LIB_DIR = new URL("../", import.meta.url);
const FEATURES_DIR = new URL("features/", LIB_DIR);

export interface FeatureFolder {
  folder: string;
  name: string;
  order: number;
  hasPanel: boolean;
  /** Its strings by language, key by key. */
  strings: Record<string, Record<string, string>>;
  /** Its stylesheet's text ("" when it has none). */
  styles: string;
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
      strings: await readStrings(new URL(`${entry.name}/strings.json`, dir), entry.name, definition.name),
      styles: await Deno.readTextFile(new URL(`${entry.name}/styles.css`, dir)).catch(() => ""),
    });
  }
  const sorted = found.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  checkNoSharedKeys(sorted);
  return sorted;
}

/**
 * A feature's strings: every language the app speaks, with the same keys, `feature.{name}` (its
 * tab) among them. A missing or extra string stops the build, never the page.
 */
async function readStrings(
  file: URL,
  folder: string,
  name: string,
): Promise<Record<string, Record<string, string>>> {
  const where = `lib/features/${folder}/strings.json`;
  let strings: Record<string, Record<string, string>>;
  try {
    strings = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    throw new Error(`${where} is missing or is not JSON: ${error}`);
  }
  const english = Object.keys(strings.en ?? {}).sort();
  if (!english.includes(`feature.${name}`)) throw new Error(`${where} has no "feature.${name}" (its tab)`);
  for (const language of LANGUAGES) {
    const entries = strings[language];
    if (!entries || typeof entries !== "object") throw new Error(`${where} has no "${language}" strings`);
    const keys = Object.keys(entries).sort();
    const missing = english.filter((key) => !keys.includes(key));
    const extra = keys.filter((key) => !english.includes(key));
    if (missing.length || extra.length) {
      throw new Error(`${where}: "${language}" lacks [${missing}] and has extra [${extra}]`);
    }
    for (const key of keys) {
      if (typeof entries[key] !== "string" || !entries[key].trim()) {
        throw new Error(`${where}: "${language}" "${key}" is empty`);
      }
    }
  }
  const unknown = Object.keys(strings).filter((language) =>
    !(LANGUAGES as readonly string[]).includes(language)
  );
  if (unknown.length) throw new Error(`${where} has strings for unknown languages: ${unknown}`);
  return strings;
}

function checkNoSharedKeys(features: FeatureFolder[]): void {
  const owner = new Map<string, string>();
  for (const feature of features) {
    for (const key of Object.keys(feature.strings.en)) {
      const other = owner.get(key);
      if (other) throw new Error(`the string "${key}" is in both ${other} and ${feature.folder}`);
      owner.set(key, feature.folder);
    }
  }
}

const HEADER = "// Written by `deno task build` from the folders in lib/features/: do not edit.\n";

const list = (features: FeatureFolder[]) => features.map((f) => `  ${identifier(f.folder)},\n`).join("");

const identifier = (folder: string) => folder.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** The generated files' text, by path under lib/. */
export function registrySources(features: FeatureFolder[]): Record<string, string> {
  const names = features.map((f) => `  "${f.name}",\n`).join("");
  const definitions = features.map((f) => `import ${identifier(f.folder)} from "./${f.folder}/mod.ts";\n`)
    .join("");
  const withPanels = features.filter((f) => f.hasPanel);
  const panels = withPanels.map((f) => `import ${identifier(f.folder)} from "./${f.folder}/panel.tsx";\n`)
    .join("");
  const strings = Object.fromEntries(
    LANGUAGES.map((language) => [
      language,
      Object.fromEntries(features.flatMap((f) => Object.entries(f.strings[language]))),
    ]),
  );
  return {
    "shared/feature_names.gen.ts": `${HEADER}export const FEATURE_NAMES = [\n${names}] as const;\n`,
    "features/registry.gen.ts": `${HEADER}import type { Feature } from "./feature.ts";\n${definitions}\n` +
      `export const FEATURE_DEFINITIONS: Feature[] = [\n${list(features)}];\n`,
    "features/panels.gen.ts": `${HEADER}import type { PanelEntry } from "./panel.ts";\n${panels}\n` +
      `export const PANELS: PanelEntry[] = [\n${list(withPanels)}];\n`,
    "i18n/feature_strings.gen.json": JSON.stringify(strings, null, 2) + "\n",
  };
}

/** The features' styles, in page order, to follow the app's own stylesheet. */
export function featureStyles(features: FeatureFolder[]): string {
  return features.filter((f) => f.styles.trim())
    .map((f) => `\n/* lib/features/${f.folder}/styles.css */\n${f.styles}`).join("");
}

/** Writes the generated files where they changed (under `lib`); returns the paths of those written. */
export async function writeRegistries(dir: URL = FEATURES_DIR, lib: URL = LIB_DIR): Promise<string[]> {
  const written: string[] = [];
  for (const [file, text] of Object.entries(registrySources(await featureFolders(dir)))) {
    const url = new URL(file, lib);
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
