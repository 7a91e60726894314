import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { splitFinished } from "../lib/client/markdown_blocks.ts";
import { isLanguage } from "../lib/shared/contract.ts";
import { translate } from "../lib/i18n/mod.ts";
import { copyText } from "./answer_actions.tsx";

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
      decorateCode(added.content);
      finishedRef.current.append(added.content);
      rendered.current = finished;
    }
    tailRef.current.innerHTML = render(tail);
    if (mark) markLines(tailRef.current, mark);
    decorateCode(tailRef.current);
  }, [text, render]);
  if (!render) return <div class="markdown plain">{text}</div>;
  return (
    <div class="markdown" onClick={copyCode}>
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

/** The page's language, for the few words the rendered answer adds (a code block's Copy). */
const pageLanguage = () => {
  const lang = document.documentElement.lang;
  return isLanguage(lang) ? lang : "en";
};

/** Each code block gets a bar: its language (when the answer named one) and Copy. */
function decorateCode(root: ParentNode): void {
  for (const pre of root.querySelectorAll("pre")) {
    if (pre.parentElement?.classList.contains("code-block")) continue;
    const language = pre.querySelector("code")?.className.match(/^language-(.+)$/)?.[1];
    const block = document.createElement("div");
    block.className = "code-block";
    const bar = document.createElement("div");
    bar.className = "code-bar";
    const label = document.createElement("span");
    label.className = "code-language";
    label.textContent = language ?? "";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "btn btn-ghost btn-small btn-copy-code";
    copy.textContent = translate(pageLanguage(), "answer.copy");
    if (language) copy.setAttribute("aria-label", `${copy.textContent} (${language})`);
    bar.append(label, copy);
    pre.replaceWith(block);
    block.append(bar, pre);
  }
}

/** Copy on a code block's bar: its code, as text, and "Copied" for a moment. */
async function copyCode(event: MouseEvent): Promise<void> {
  const button = (event.target as Element).closest?.(".btn-copy-code") as HTMLButtonElement | null;
  const code = button?.closest(".code-block")?.querySelector("pre");
  if (!button || !code) return;
  await copyText(code.textContent ?? "");
  const language = pageLanguage();
  button.textContent = translate(language, "answer.copied");
  setTimeout(() => (button.textContent = translate(language, "answer.copy")), 2000);
}
