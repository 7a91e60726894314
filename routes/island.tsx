import type { ComponentType } from "preact";
import { type IslandName, type IslandProps, ISLANDS } from "../islands/mod.ts";

/**
 * Server-renders an island from the registry and marks it for hydration: the browser entry
 * finds `[data-island]`, reads the JSON props from an attribute (never an inline script), and
 * hydrates it with the same component.
 */
export function Island<N extends IslandName>({ name, props }: { name: N; props: IslandProps<N> }) {
  // The signature checks the props against the island named; inside, any island takes its own.
  const Body = ISLANDS[name] as unknown as ComponentType<object>;
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <Body {...props} />
    </div>
  );
}
