import { ISLANDS } from "../islands/mod.ts";

/**
 * Server-renders an island from the registry and marks it for hydration: the browser entry
 * finds `[data-island]`, reads the JSON props from an attribute (never an inline script), and
 * hydrates it with the same component.
 */
export function Island<P extends object>({ name, props }: { name: keyof typeof ISLANDS; props: P }) {
  const Body = ISLANDS[name];
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <Body {...props} />
    </div>
  );
}
