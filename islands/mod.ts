/**
 * The island registry: every component that is hydrated in the browser, by name. The page
 * renders islands by these names and the browser entry (`client.ts`) hydrates them from here.
 */
import type { ComponentType } from "preact";
import KabotanApp from "./kabotan_app.tsx";

// deno-lint-ignore no-explicit-any
export const ISLANDS: Record<string, ComponentType<any>> = { KabotanApp };
export type IslandName = keyof typeof ISLANDS;
