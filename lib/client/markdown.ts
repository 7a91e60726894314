/**
 * Model-written markdown to safe HTML: raw HTML in the text is escaped (never rendered), then
 * DOMPurify keeps only plain formatting and http(s)/mailto links. Incomplete markdown mid-stream
 * (an unclosed `**`) simply renders as text until it closes.
 */
import { Marked } from "marked";
import DOMPurify from "dompurify";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A single line break in a chat answer is a line break, as in every chat UI.
const marked = new Marked({ async: false, gfm: true, breaks: true });
marked.use({ renderer: { html: (token) => escapeHtml(token.text) } });

const ALLOWED_TAGS = [
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "p",
  "br",
  "hr",
  "em",
  "strong",
  "del",
  "blockquote",
  "ul",
  "ol",
  "li",
  "code",
  "pre",
  "a",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
];

let hooked = false;

export function renderMarkdown(text: string): string {
  if (!hooked) {
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A") node.setAttribute("rel", "noopener noreferrer nofollow");
    });
    // A code block's language (```js): the one class kept, and only in that shape.
    DOMPurify.addHook("uponSanitizeAttribute", (node, data) => {
      if (data.attrName !== "class") return;
      data.keepAttr = node.tagName === "CODE" && /^language-[\w+#.-]{1,30}$/.test(data.attrValue);
    });
    hooked = true;
  }
  const html = DOMPurify.sanitize(marked.parse(text) as string, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "class"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
  // The line breaks marked puts between blocks are not text of the answer (copying, reading aloud).
  return html.replace(BETWEEN_BLOCKS, "$1");
}

const BETWEEN_BLOCKS =
  /(<\/(?:p|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|th|td)>|<(?:ul|ol|blockquote|table|thead|tbody|tr)>|<hr>|<br>)\n/g;
