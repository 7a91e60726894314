/**
 * The reader's place across a reload: the tab and the chat's character live in the page's URL
 * (so the server renders the right one at once), what was typed into forms in the tab's
 * sessionStorage (restored just after the page wakes up; gone with the tab).
 */
import { type Signal, useSignal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";

/** Sets (or removes) one query parameter of the page's URL, without a navigation or a history entry. */
export function keepInUrl(name: string, value: string | undefined): void {
  if (typeof location === "undefined") return;
  const url = new URL(location.href);
  if (value === undefined) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  if (url.href !== location.href) history.replaceState(history.state, "", url);
}

const STORAGE_PREFIX = "kabotan.input.";

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // storage switched off: nothing is kept
  }
}

/** A form input's value that comes back after a reload of the same browser tab. */
export function useKeptInput<T extends string>(
  key: string,
  initial: T,
  valid?: (value: string) => boolean,
): Signal<T> {
  const value = useSignal<T>(initial);
  useEffect(() => {
    const kept = storage()?.getItem(STORAGE_PREFIX + key);
    if (kept !== null && kept !== undefined && (!valid || valid(kept))) value.value = kept as T;
  }, []);
  useSignalEffect(() => {
    const current = value.value;
    const store = storage();
    if (!store) return;
    try {
      if (current === initial) store.removeItem(STORAGE_PREFIX + key);
      else store.setItem(STORAGE_PREFIX + key, current);
    } catch {
      // full or refused: the value is simply not kept
    }
  });
  return value;
}
