import type { ComponentChildren } from "preact";
import type { Language } from "../lib/i18n/mod.ts";

export interface Assets {
  script: string;
  style: string;
}

/** The HTML shell: head, styles, the island bundle as a module script. */
export function Page({ language, title, assets, children }: {
  language: Language;
  title: string;
  assets: Assets;
  children: ComponentChildren;
}) {
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark light" />
        <title>{title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assets.style} />
        <script type="module" src={assets.script} />
      </head>
      <body>
        {children}
      </body>
    </html>
  );
}
