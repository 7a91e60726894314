/**
 * Builds the browser assets ahead of time: the island bundle (`deno bundle`, minified) and the
 * stylesheet (the app's, then each feature's own), each under a content-hashed name in `static/build/`, listed in a manifest that
 * also records a hash of every input so a build is redone only when something changed.
 */
import type { Assets } from "../../components/page.tsx";
import { featureFolders, featureStyles } from "./features.ts";

const ROOT = new URL("../../", import.meta.url);
const BUILD_DIR = new URL("static/build/", ROOT);
const MANIFEST = new URL("manifest.json", BUILD_DIR);
const ENTRY = new URL("client.ts", ROOT);
const STYLES = new URL("static/styles.css", ROOT);
const SOURCE_DIRS = ["islands", "lib", "components"];
const SOURCE_FILES = ["client.ts", "deno.json", "deno.lock", "static/styles.css"];

export interface Manifest {
  inputsHash: string;
  script: string;
  style: string;
  /** Code-split chunks the script imports on demand (named by content already). */
  chunks: string[];
}

export const ASSET_PREFIX = "/static/build/";

export function assetsOf(manifest: Manifest): Assets {
  return {
    script: ASSET_PREFIX + manifest.script,
    style: ASSET_PREFIX + manifest.style,
    preload: manifest.chunks.map((chunk) => ASSET_PREFIX + chunk),
  };
}

export async function readManifest(): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(MANIFEST));
  } catch {
    return undefined;
  }
}

/** Builds unless the manifest already matches the inputs (or `force`). */
export async function buildAssets({ force = false } = {}): Promise<{ manifest: Manifest; built: boolean }> {
  const inputsHash = await hashInputs();
  const existing = await readManifest();
  if (!force && existing?.inputsHash === inputsHash && existing.chunks && await outputsExist(existing)) {
    return { manifest: existing, built: false };
  }
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const outdir = await Deno.makeTempDir();
  try {
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--minify",
        "--code-splitting",
        "--outdir",
        outdir,
        ENTRY.pathname,
      ],
      cwd: ROOT.pathname,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`deno bundle failed:\n${new TextDecoder().decode(stderr)}`);
    const files = [...Deno.readDirSync(outdir)].map((entry) => entry.name).filter((name) =>
      name.endsWith(".js")
    );
    const entryName = files.find((name) => name.startsWith("client"));
    if (!entryName) throw new Error(`deno bundle wrote no entry: ${files.join(", ")}`);
    const chunks = files.filter((name) => name !== entryName);
    const script = await Deno.readFile(`${outdir}/${entryName}`);
    // The app's stylesheet, then each feature's own (from its folder).
    const style = new TextEncoder().encode(
      await Deno.readTextFile(STYLES) + featureStyles(await featureFolders()),
    );
    const manifest: Manifest = {
      inputsHash,
      script: `client-${await shortHash(script)}.js`,
      style: `styles-${await shortHash(style)}.css`,
      chunks,
    };
    await Deno.writeFile(new URL(manifest.script, BUILD_DIR), script);
    await Deno.writeFile(new URL(manifest.style, BUILD_DIR), style);
    for (const chunk of chunks) await Deno.copyFile(`${outdir}/${chunk}`, new URL(chunk, BUILD_DIR));
    await removeStale(manifest);
    await Deno.writeTextFile(MANIFEST, JSON.stringify(manifest, null, 2) + "\n");
    return { manifest, built: true };
  } finally {
    await Deno.remove(outdir, { recursive: true }).catch(() => {});
  }
}

async function hashInputs(): Promise<string> {
  const files: string[] = [...SOURCE_FILES];
  for (const dir of SOURCE_DIRS) await collect(new URL(`${dir}/`, ROOT), `${dir}/`, files);
  files.sort();
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const file of files) {
    parts.push(encoder.encode(`${file}\0`));
    parts.push(await Deno.readFile(new URL(file, ROOT)).catch(() => new Uint8Array()));
  }
  return await shortHash(concat(parts), 64);
}

async function collect(dir: URL, prefix: string, into: string[]): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) await collect(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`, into);
    else if (/\.(tsx?|css|json)$/.test(entry.name) && !entry.name.endsWith("_test.ts")) {
      into.push(prefix + entry.name);
    }
  }
}

async function outputsExist(manifest: Manifest): Promise<boolean> {
  try {
    await Deno.stat(new URL(manifest.script, BUILD_DIR));
    await Deno.stat(new URL(manifest.style, BUILD_DIR));
    for (const chunk of manifest.chunks) await Deno.stat(new URL(chunk, BUILD_DIR));
    return true;
  } catch {
    return false;
  }
}

async function removeStale(manifest: Manifest): Promise<void> {
  for await (const entry of Deno.readDir(BUILD_DIR)) {
    const kept = [manifest.script, manifest.style, "manifest.json", ...manifest.chunks];
    if (!kept.includes(entry.name)) {
      await Deno.remove(new URL(entry.name, BUILD_DIR));
    }
  }
}

async function shortHash(data: Uint8Array, length = 12): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, length);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
