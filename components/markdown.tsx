import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { splitFinished } from "../lib/client/markdown_blocks.ts";

type Render = (text: string) => string;
let loading: Promise<Render> | undefined;

/** The markdown renderer (marked + DOMPurify), loaded once, when the page first needs it. */
export function loadMarkdownRenderer(): Promise<Render> {
  return loading ??= import("../lib/client/markdown.ts").then((module) => module.renderMarkdown);
}

/**
 * Sanitised markdown, rendered in the browser. While the text grows, finished blocks are
 * rendered once and appended; only the block still being written is rendered again, so a long
 * answer costs the same per update as a short one. Until the renderer has loaded the text shows
 * as plain text. `mark` may add a class to a rendered paragraph or list item, by its text.
 */
export function Markdown({ text, mark }: { text: string; mark?: (line: string) => string | undefined }) {
  const finishedRef = useRef<HTMLDivElement>(null);
  const tailRef = useRef<HTMLDivElement>(null);
  const rendered = useRef("");
  const [render, setRender] = useState<Render | undefined>(undefined);
  useLayoutEffect(() => {
    if (!render) void loadMarkdownRenderer().then((loaded) => setRender(() => loaded));
  }, []);
  useLayoutEffect(() => {
    if (!render || !finishedRef.current || !tailRef.current) return;
    const { finished, tail } = splitFinished(text);
    if (!finished.startsWith(rendered.current)) {
      // Not a continuation (another answer): start over.
      finishedRef.current.innerHTML = "";
      rendered.current = "";
    }
    if (finished.length > rendered.current.length) {
      const added = document.createElement("template");
      added.innerHTML = render(finished.slice(rendered.current.length));
      if (mark) markLines(added.content, mark);
      finishedRef.current.append(added.content);
      rendered.current = finished;
    }
    tailRef.current.innerHTML = render(tail);
    if (mark) markLines(tailRef.current, mark);
  }, [text, render]);
  if (!render) return <div class="markdown plain">{text}</div>;
  return (
    <div class="markdown">
      <div ref={finishedRef} />
      <div ref={tailRef} />
    </div>
  );
}

function markLines(root: ParentNode, mark: (line: string) => string | undefined): void {
  for (const element of root.querySelectorAll("p, li")) {
    if (!element.querySelector(":scope > br")) {
      const name = mark(element.textContent ?? "");
      if (name) element.classList.add(name);
      continue;
    }
    // Lines of one paragraph (single line breaks): each its own span, so one line can stand apart.
    const lines: Node[][] = [[]];
    for (const node of [...element.childNodes]) {
      if (node.nodeName === "BR") lines.push([]);
      else lines.at(-1)!.push(node);
    }
    element.replaceChildren(...lines.flatMap((nodes, index) => {
      const line = document.createElement("span");
      line.className = "line";
      line.append(...nodes);
      const name = mark(line.textContent ?? "");
      if (name) line.classList.add(name);
      return index === 0 ? [line] : [document.createElement("br"), line];
    }));
  }
}
