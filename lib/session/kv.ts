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
 * `":memory:"`: a throwaway store (tests). An `http(s)://` URL: a KV Connect server (the
 * self-hosted `denokv`, or a Deploy database), with `DENO_KV_ACCESS_TOKEN` as its token; it must
 * answer at start. Otherwise a file whose directory must be writable.
 */
export async function openKv(path: string | undefined, { createDefaultDir = false } = {}): Promise<Deno.Kv> {
  if (path === undefined || path === ":memory:") return retryingKv(await Deno.openKv(path));
  if (/^https?:\/\//i.test(path)) return retryingKv(await openRemote(path));
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

/** A KV Connect server: the token is required, and the server must answer (the exchange happens at open). */
async function openRemote(url: string): Promise<Deno.Kv> {
  const shown = url.replace(/\/\/[^/@]*@/, "//");
  if (!Deno.env.get("DENO_KV_ACCESS_TOKEN")) {
    throw new KvOpenError(
      `KV_PATH ${shown}: a KV Connect URL needs DENO_KV_ACCESS_TOKEN (the server's access token)`,
    );
  }
  try {
    const kv = await Deno.openKv(url);
    await kv.get(["kabotan", "reachable"]);
    return kv;
  } catch (error) {
    const reason = (error as Error).message.replace(/^Could not open Deno KV database: /, "");
    throw new KvOpenError(`KV_PATH ${shown}: cannot reach the KV Connect server (${reason})`);
  }
}
