import type { ComponentChildren } from "preact";
import type { Language } from "../lib/shared/contract.ts";

export interface Assets {
  script: string;
  style: string;
  /** Chunks the script imports later (the markdown renderer): fetched and compiled ahead, off the main thread. */
  preload?: string[];
}

/** A jack-o'-lantern drawn in SVG: no extra request, sharp at any size. */
const FAVICON = "data:image/svg+xml," + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">' +
    '<path d="M30 6c3-2 7-1 8 2l-3 6h-6z" fill="#3d7a2a"/>' +
    '<ellipse cx="32" cy="38" rx="28" ry="22" fill="#ff8a1f"/>' +
    '<path d="M16 32l7-7 7 7zM34 32l7-7 7 7zM18 44q14 10 28 0l-4 6q-10 5-20 0z" fill="#1a0f00"/>' +
    "</svg>",
);

/** The HTML shell: head, styles, the island bundle as a module script. */
export function Page({ language, title, description, assets, children }: {
  language: Language;
  title: string;
  description: string;
  assets: Assets;
  children: ComponentChildren;
}) {
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark light" />
        <meta name="description" content={description} />
        <meta name="theme-color" content="#14101c" />
        <title>{title}</title>
        <link rel="icon" href={FAVICON} />
        <link rel="stylesheet" href={assets.style} />
        <script type="module" src={assets.script} />
        {assets.preload?.map((chunk) => <link key={chunk} rel="modulepreload" href={chunk} />)}
      </head>
      <body>
        {children}
      </body>
    </html>
  );
}
