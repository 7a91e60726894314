/**
 * A TCP proxy on loopback that a test can cut: every open connection is dropped and new ones are
 * refused until `restore()`, as when a phone loses its network for a moment.
 */
export class TcpProxy {
  readonly #listener: Deno.TcpListener;
  readonly #open = new Set<Deno.Conn>();
  #down = false;

  constructor(private readonly targetPort: number) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    void this.#accept();
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  cut(): void {
    this.#down = true;
    for (const conn of this.#open) this.#close(conn);
  }

  restore(): void {
    this.#down = false;
  }

  close(): void {
    this.cut();
    this.#listener.close();
  }

  async #accept(): Promise<void> {
    for await (const client of this.#listener) {
      if (this.#down) {
        client.close();
        continue;
      }
      void this.#pipe(client);
    }
  }

  async #pipe(client: Deno.Conn): Promise<void> {
    let target: Deno.Conn;
    try {
      target = await Deno.connect({ hostname: "127.0.0.1", port: this.targetPort });
    } catch {
      return this.#close(client);
    }
    this.#open.add(client);
    this.#open.add(target);
    const done = () => {
      this.#close(client);
      this.#close(target);
    };
    void client.readable.pipeTo(target.writable).catch(() => {}).finally(done);
    void target.readable.pipeTo(client.writable).catch(() => {}).finally(done);
  }

  #close(conn: Deno.Conn): void {
    if (!this.#open.delete(conn)) return;
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}
