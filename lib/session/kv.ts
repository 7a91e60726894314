/**
 * Opens Deno KV: a local file (KV_PATH or a default under the temp dir), or Deploy's own store;
 * every call on it is retried while the store is momentarily unavailable (`retrying_kv.ts`).
 */
import { retryingKv } from "./retrying_kv.ts";

export class KvOpenError extends Error {}

export function defaultKvPath(env: Record<string, string | undefined> = Deno.env.toObject()): string {
  const tmp = env.TMPDIR ?? env.TMP ?? env.TEMP ?? "/tmp";
  return `${tmp.replace(/\/+$/, "")}/kabotan/kabotan.kv`;
}

/**
 * `path` undefined: Deno Deploy's distributed KV (`Deno.openKv()` with no path).
 * `":memory:"`: a throwaway store (tests). Otherwise a file whose directory must be writable.
 */
export async function openKv(path: string | undefined, { createDefaultDir = false } = {}): Promise<Deno.Kv> {
  if (path === undefined || path === ":memory:") return retryingKv(await Deno.openKv(path));
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  if (createDefaultDir) await Deno.mkdir(dir, { recursive: true }).catch(() => {});
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) throw new KvOpenError(`KV_PATH ${path}: ${dir} is not a directory`);
  } catch (error) {
    if (error instanceof KvOpenError) throw error;
    throw new KvOpenError(`KV_PATH ${path}: the directory ${dir} does not exist`);
  }
  try {
    return retryingKv(await Deno.openKv(path));
  } catch (error) {
    throw new KvOpenError(`KV_PATH ${path}: cannot open the store there (${(error as Error).message})`);
  }
}
