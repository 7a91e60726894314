import { useLayoutEffect, useRef, useState } from "preact/hooks";

type Render = (text: string) => string;
let loading: Promise<Render> | undefined;

/** The markdown renderer (marked + DOMPurify) is loaded only when a story first needs it. */
function loadRenderer(): Promise<Render> {
  return loading ??= import("../../lib/client/markdown.ts").then((module) => module.renderMarkdown);
}

/**
 * Sanitised markdown, rendered in the browser. Until the renderer has loaded (the first story
 * only) the text shows as plain text, so nothing waits for it.
 */
export function Markdown({ text }: { text: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [render, setRender] = useState<Render | undefined>(undefined);
  useLayoutEffect(() => {
    if (!render) void loadRenderer().then((loaded) => setRender(() => loaded));
  }, []);
  useLayoutEffect(() => {
    if (ref.current && render) ref.current.innerHTML = render(text);
  }, [text, render]);
  return render ? <div ref={ref} class="markdown" /> : <div class="markdown plain">{text}</div>;
}
