/** A one-site cookie jar for fetch-based tests: keeps what Set-Cookie says, sends it back. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  readonly raw: string[] = [];

  /** `send`: the network's fetch, or an in-process app's. */
  constructor(private readonly send: typeof fetch = (input, init) => fetch(input, init)) {}

  fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await this.send(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      this.raw.push(line);
      const [pair] = line.split(";");
      const [name, value] = pair.split("=");
      this.cookies.set(name.trim(), value.trim());
    }
    return response;
  };

  post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    this.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
}
