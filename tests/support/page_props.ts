/**
 * The app island's props as the server rendered them into the page (its `data-props` attribute);
 * each shelf's shown conversation can also be read by the shelf's name (`history["trivia-bot"]`).
 */
// deno-lint-ignore no-explicit-any
export function pagePropsOf(html: string): any {
  const props = rawPropsOf(html);
  for (const [shelf, id] of Object.entries(props.open ?? {}) as Array<[string, string]>) {
    if (props.history[id]) props.history[shelf] = props.history[id];
    if (props.older?.[id]) props.older[shelf] = props.older[id];
  }
  return props;
}

// deno-lint-ignore no-explicit-any
function rawPropsOf(html: string): any {
  const attribute = html.match(/data-props="([^"]*)"/)?.[1];
  if (attribute === undefined) throw new Error("the page has no island props");
  return JSON.parse(
    attribute.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll(
      "&#39;",
      "'",
    )
      .replaceAll("&amp;", "&"),
  );
}

/** A conversation's messages as the page shows them after a reload: `u:text`, `a:text` (`…` when unfinished). */
export function shownMessages(html: string, shelf: string): string[] {
  const props = pagePropsOf(html);
  const messages = (props.history[props.open[shelf]] ?? []) as Array<
    { role: string; content: string; incomplete?: boolean }
  >;
  return messages.map((m) => `${m.role[0]}:${m.content}${m.incomplete ? "…" : ""}`);
}

/**
 * A conversation as a reader gets it back whole: the page's recent turns, then the earlier ones as
 * "Show earlier messages" asks for them (`GET /api/history/…?before=`).
 */
export async function wholeConversation(
  fetcher: (url: string) => Promise<Response>,
  url: string,
  shelf: string,
): Promise<string[]> {
  const html = await (await fetcher(url)).text();
  const shown = shownMessages(html, shelf);
  const props = pagePropsOf(html);
  for (let older = props.older?.[props.open[shelf]]; older;) {
    const window = await (await fetcher(`${url}/api/history/${shelf}?before=${older}`)).json();
    const earlier = window.messages as Array<{ role: string; content: string; incomplete?: boolean }>;
    shown.unshift(...earlier.map((m) => `${m.role[0]}:${m.content}${m.incomplete ? "…" : ""}`));
    older = window.older;
  }
  return shown;
}
