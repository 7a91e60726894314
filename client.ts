/** The browser entry: hydrates each server-rendered island with its props, and nothing else. */
import { h, hydrate } from "preact";
import { isIslandName, ISLANDS } from "./islands/mod.ts";

for (const element of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = element.dataset.island ?? "";
  if (!isIslandName(name)) continue;
  const component = ISLANDS[name];
  const props = JSON.parse(element.dataset.props ?? "{}");
  hydrate(h(component, props), element);
  element.setAttribute("data-hydrated", "");
}
