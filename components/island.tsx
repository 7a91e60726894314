import type { ComponentType } from "preact";

/**
 * Server-renders an island and marks it for hydration: the client entry finds
 * `[data-island]`, reads the JSON props from an attribute (never an inline script), and hydrates.
 */
export function Island<P extends object>({ name, component: Body, props }: {
  name: string;
  component: ComponentType<P>;
  props: P;
}) {
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <Body {...props} />
    </div>
  );
}
