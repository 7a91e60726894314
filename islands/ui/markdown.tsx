import { useLayoutEffect, useRef } from "preact/hooks";
import { renderMarkdown } from "../../lib/client/markdown.ts";

/** Sanitised markdown, rendered in the browser (the server sends the element empty). */
export function Markdown({ text }: { text: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (ref.current) ref.current.innerHTML = renderMarkdown(text);
  }, [text]);
  return <div ref={ref} class="markdown" />;
}
