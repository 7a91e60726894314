import { deepEqual, match } from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { h } from "preact";
import { Page } from "../../components/page.tsx";
import { assetsOf } from "./assets.ts";

Deno.test("the page asks for the chunks the script imports later (the markdown renderer) ahead, as module preloads", () => {
  const assets = assetsOf({
    inputsHash: "x",
    script: "client-1.js",
    style: "styles-1.css",
    chunks: ["markdown-AB.js"],
  });
  deepEqual(assets.preload, ["/static/build/markdown-AB.js"]);
  const html = renderToString(
    h(Page, { language: "en", title: "t", description: "d", assets, children: [] }),
  );
  match(
    html,
    /<script type="module" src="\/static\/build\/client-1\.js"><\/script><link rel="modulepreload" href="\/static\/build\/markdown-AB\.js"\/?>/,
  );
});
