/**
 * The island registry: every component that is hydrated in the browser, by name. The page
 * renders islands by these names (`routes/island.tsx`) and the browser entry (`client.ts`)
 * hydrates them from here; the names and each island's props are checked by the type checker.
 */
import type { ComponentProps, ComponentType } from "preact";
import KabotanApp from "./kabotan_app.tsx";

export const ISLANDS = { KabotanApp } as const satisfies Record<string, ComponentType<never>>;
export type IslandName = keyof typeof ISLANDS;
export type IslandProps<N extends IslandName> = ComponentProps<typeof ISLANDS[N]>;

export function isIslandName(name: string): name is IslandName {
  return Object.hasOwn(ISLANDS, name);
}
