/** The browser entry: hydrates each server-rendered island with its props, and nothing else. */
import { h, hydrate } from "preact";
import { ISLANDS } from "./islands/mod.ts";

for (const element of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const component = ISLANDS[element.dataset.island ?? ""];
  if (!component) continue;
  const props = JSON.parse(element.dataset.props ?? "{}");
  hydrate(h(component, props), element);
  element.setAttribute("data-hydrated", "");
}
