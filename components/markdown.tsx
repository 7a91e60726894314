import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { splitFinished } from "../lib/client/markdown_blocks.ts";

type Render = (text: string) => string;
let loading: Promise<Render> | undefined;

/** The markdown renderer (marked + DOMPurify) is loaded only when a story first needs it. */
function loadRenderer(): Promise<Render> {
  return loading ??= import("../lib/client/markdown.ts").then((module) => module.renderMarkdown);
}

/**
 * Sanitised markdown, rendered in the browser. While the text grows, finished blocks are
 * rendered once and appended; only the block still being written is rendered again, so a long
 * story costs the same per update as a short one. Until the renderer has loaded (the first story
 * only) the text shows as plain text.
 */
export function Markdown({ text }: { text: string }) {
  const finishedRef = useRef<HTMLDivElement>(null);
  const tailRef = useRef<HTMLDivElement>(null);
  const rendered = useRef("");
  const [render, setRender] = useState<Render | undefined>(undefined);
  useLayoutEffect(() => {
    if (!render) void loadRenderer().then((loaded) => setRender(() => loaded));
  }, []);
  useLayoutEffect(() => {
    if (!render || !finishedRef.current || !tailRef.current) return;
    const { finished, tail } = splitFinished(text);
    if (!finished.startsWith(rendered.current)) {
      // Not a continuation (another story): start over.
      finishedRef.current.innerHTML = "";
      rendered.current = "";
    }
    if (finished.length > rendered.current.length) {
      finishedRef.current.insertAdjacentHTML("beforeend", render(finished.slice(rendered.current.length)));
      rendered.current = finished;
    }
    tailRef.current.innerHTML = render(tail);
  }, [text, render]);
  if (!render) return <div class="markdown plain">{text}</div>;
  return (
    <div class="markdown">
      <div ref={finishedRef} />
      <div ref={tailRef} />
    </div>
  );
}
