/**
 * The listener in front of `Deno.serve`, for what `Deno.serve` cannot do itself: it has no
 * header, idle or keep-alive timeouts, no cap per client address, and its accept loop dies on
 * "too many open files" (taking the process with it, as an unhandled rejection).
 *
 * The gate accepts TCP connections itself and pipes each one to an internal `Deno.serve` on
 * loopback, which does the HTTP. It
 * - caps connections per client address and in all (each costs three descriptors here),
 *   closing the ones over the cap at once;
 * - closes a connection that has no request in flight when its next request's head does not
 *   arrive within `headerTimeoutMs` of its first byte (a trickled head), or when no byte comes
 *   for `idleTimeoutMs` (idle and keep-alive connections) — `info.completed` from the internal
 *   server says when a request is over; while one runs, the app's own timeouts apply;
 * - never cuts a response while its bytes are still on their way to a slow reader (one that takes
 *   nothing for 30 s, or four idle timeouts, is stuck, and closed);
 * - refuses HTTP/2 without TLS (h2c), which would carry hundreds of requests on one connection
 *   past the per-address caps, and answers a client that half-closed after its request;
 * - on an accept error (out of descriptors) closes its idle connections, backs off and goes on,
 *   and restarts the internal server should it ever stop: the process sheds load and recovers.
 * The internal server sees each request with the real client address.
 */
import type { Logger } from "../logger.ts";
import { addressGroup } from "./client_address.ts";

export interface GateOptions {
  hostname: string;
  port: number;
  /** A request head must be complete within this long of its first byte. */
  headerTimeoutMs: number;
  /** A connection with no request in flight is closed after this long without a byte from its client. */
  idleTimeoutMs: number;
  /** Connections one client address may hold open (0: no cap); IPv6 addresses count by their /64. */
  perAddress: number;
  /** The IPv6 prefix an address counts by (64 unless said). */
  ipv6PrefixBits?: number;
  /** Connections in all. */
  maxConnections: number;
  logger: Logger;
  onListen?: (addr: Deno.NetAddr) => void;
}

export type GatedHandler = (
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

export interface GatedServer {
  readonly addr: Deno.NetAddr;
  /** Connections open now. */
  readonly connections: number;
  /** Connections refused since the start: over a cap, or no descriptor to serve them. */
  readonly refused: number;
  /** Stops accepting, closes idle connections, lets requests in flight finish, then closes the rest. */
  shutdown(): Promise<void>;
}

/** On shutdown, how long the last bytes of finished responses may take to reach their clients. */
const DRAIN_MS = 2000;
/** Bytes read at once from a client (requests are small) and from the internal server. */
const CLIENT_BUFFER = 8 * 1024;
const SERVER_BUFFER = 16 * 1024;
const BACKOFF_MIN_MS = 20;
/** The least time a reader may take no byte of a response still on its way before it counts as stuck. */
const STUCK_READER_MS = 30_000;
const BACKOFF_MAX_MS = 1000;

class GatedConnection {
  inFlight = 0;
  /** When the first byte of a request head came, while it is not yet with the app. */
  headStartedAt: number | undefined;
  /** When the connection last had no request in flight and its client last sent a byte. */
  quietSince = performance.now();
  /** Bytes of a response are on their way to the client (a write to it has not finished). */
  sending = false;
  /** When a write to the client last made progress. */
  lastSent = performance.now();
  /** Bytes of a response went to the client since its request started. */
  answering = false;
  /** The client shut its side after a request that has no answer yet: it waits for one. */
  halfClosed = false;
  closed = false;

  /** Settles once the connection is closed. */
  readonly ended: Promise<void>;
  #ended!: () => void;

  constructor(
    readonly client: Deno.TcpConn,
    readonly inner: Deno.TcpConn,
    readonly remote: Deno.NetAddr,
    private readonly onClose: (connection: GatedConnection) => void,
  ) {
    this.ended = new Promise((resolve) => (this.#ended = resolve));
  }

  clientSent(): void {
    const now = performance.now();
    this.quietSince = now;
    if (this.inFlight === 0) this.headStartedAt ??= now;
  }

  requestStarted(): void {
    this.inFlight++;
    this.headStartedAt = undefined;
    this.answering = false;
  }

  requestEnded(): void {
    this.inFlight--;
    this.quietSince = performance.now();
    // The answer a half-closed client waited for is written: pass its end on, and the internal
    // server closes its side once the last byte is out (the response pipe then ends the connection).
    if (this.halfClosed && this.inFlight === 0) this.inner.closeWrite().catch(() => this.close());
  }

  /**
   * The client's side ended. Right after a request that has no answer yet, it is a half-close (the
   * client waits for its answer); anything else is a client that went away.
   */
  clientEnded(): void {
    const awaiting = this.inFlight > 0 || this.headStartedAt !== undefined;
    if (awaiting && !this.answering) this.halfClosed = true;
    else this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [this.client, this.inner]) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    this.onClose(this);
    this.#ended();
  }
}

/**
 * Copies bytes from one connection to the other until `from` ends, with one reused buffer; says
 * when bytes came and while they are being written (a slow reader keeps a write pending).
 */
async function pipe(
  from: Deno.Conn,
  to: Deno.Conn,
  size: number,
  watch: { received?: () => void; sending?: (pending: boolean) => void } = {},
  first?: Uint8Array,
): Promise<void> {
  const buffer = new Uint8Array(size);
  const send = async (bytes: Uint8Array) => {
    watch.sending?.(true);
    let written = 0;
    while (written < bytes.length) written += await to.write(bytes.subarray(written));
    watch.sending?.(false);
  };
  if (first) await send(first);
  while (true) {
    const read = await from.read(buffer);
    if (read === null) return;
    watch.received?.();
    await send(buffer.subarray(0, read));
  }
}

/** The start of HTTP/2's connection preface: a client speaking HTTP/2 without TLS (h2c). */
const H2_PREFACE = new TextEncoder().encode("PRI * HTTP/2.0");

/**
 * The first bytes a client sends (at least enough to tell HTTP/2's preface apart), or null when it
 * closed first. A client that sends nothing is left to the sweeper's timeouts.
 */
async function firstBytes(client: Deno.Conn): Promise<Uint8Array | null> {
  const head = new Uint8Array(CLIENT_BUFFER);
  let length = 0;
  while (length < H2_PREFACE.length) {
    const read = await client.read(head.subarray(length));
    if (read === null) return length > 0 ? head.slice(0, length) : null;
    length += read;
    // Not the preface's beginning: HTTP/1.1, let it through at once.
    if (!startsLike(head.subarray(0, length), H2_PREFACE)) break;
  }
  return head.slice(0, length);
}

function startsLike(bytes: Uint8Array, prefix: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, prefix.length); i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The soft limit on open descriptors, where the system says (Linux), else undefined. */
export function openFileLimit(): number | undefined {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const match = limits.match(/^Max open files\s+(\d+)/m);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connections the gate may hold: each costs three descriptors (client, gate to server, server),
 * and a fourth while its answer has a connection to the model server; the process itself holds
 * about 32 (KV, runtime).
 */
export function defaultMaxConnections(limit = openFileLimit()): number {
  if (limit === undefined) return 4096;
  return Math.max(16, Math.floor((limit - 64) / 4));
}

export function serveGated(options: GateOptions, handler: GatedHandler): GatedServer {
  const { logger } = options;
  const groupOf = (address: string) => addressGroup(address, options.ipv6PrefixBits ?? 64);
  const byInnerPort = new Map<number, GatedConnection>();
  const perAddress = new Map<string, number>();
  let closing = false;
  let refused = 0;
  /** Connections admitted, counted from the moment they are let in (before their inner connect). */
  let open = 0;

  const innerHandler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => {
    const connection = byInnerPort.get(info.remoteAddr.port);
    if (!connection) return handler(request, info);
    connection.requestStarted();
    // Once shutting down, the internal server closes the connection itself after the response,
    // and the pipe passes the last bytes on before it closes the client's side.
    info.completed.finally(() => connection.requestEnded());
    return handler(request, { remoteAddr: connection.remote, completed: info.completed });
  };

  let inner: Deno.HttpServer<Deno.NetAddr>;
  const startInner = (port: number) => {
    inner = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, innerHandler);
    inner.finished.catch(async (error) => {
      if (closing) return;
      logger("error", "the internal server stopped: restarting it", { error: String(error) });
      for (let wait = BACKOFF_MIN_MS; !closing; wait = Math.min(wait * 2, BACKOFF_MAX_MS)) {
        await sleep(wait);
        try {
          // The same port: the gate connects there.
          return startInner(innerPort);
        } catch (restartError) {
          logger("warn", "the internal server cannot restart yet", { error: String(restartError) });
        }
      }
    });
  };
  startInner(0);
  const innerPort = inner!.addr.port;

  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const addr = listener.addr as Deno.NetAddr;
  options.onListen?.(addr);

  const leave = (address: string) => {
    open--;
    const count = (perAddress.get(address) ?? 1) - 1;
    if (count <= 0) perAddress.delete(address);
    else perAddress.set(address, count);
  };
  const release = (connection: GatedConnection) => {
    byInnerPort.delete((connection.inner.localAddr as Deno.NetAddr).port);
    leave(groupOf(connection.remote.hostname));
  };

  const closeIdle = () => {
    for (const connection of [...byInnerPort.values()]) {
      if (connection.inFlight === 0) connection.close();
    }
  };

  async function admit(client: Deno.TcpConn): Promise<void> {
    const remote = client.remoteAddr;
    const group = groupOf(remote.hostname);
    const fromAddress = perAddress.get(group) ?? 0;
    const overAddress = options.perAddress > 0 && fromAddress >= options.perAddress;
    if (closing || overAddress || open >= options.maxConnections) {
      refused++;
      client.close();
      return;
    }
    open++;
    perAddress.set(group, fromAddress + 1);
    let innerConn: Deno.TcpConn;
    try {
      innerConn = await Deno.connect({ hostname: "127.0.0.1", port: innerPort });
    } catch {
      refused++;
      leave(group);
      client.close();
      return;
    }
    // Small writes (an SSE event) go out at once: Nagle's algorithm against the peer's delayed ACK
    // would hold each one back by up to 40 ms on either hop.
    for (const conn of [client, innerConn]) {
      try {
        conn.setNoDelay(true);
      } catch {
        // closed already: the pipes will notice
      }
    }
    const connection = new GatedConnection(client, innerConn, remote, release);
    byInnerPort.set((innerConn.localAddr as Deno.NetAddr).port, connection);
    const end = () => connection.close();
    // The response side decides when the connection is over: it passes on every byte the internal
    // server wrote, however slowly the client reads.
    pipe(innerConn, client, SERVER_BUFFER, {
      sending: (pending) => {
        connection.sending = pending;
        connection.answering = true;
        connection.lastSent = performance.now();
      },
    }).then(end, end);
    const head = await firstBytes(client).catch(() => null);
    if (head !== null) connection.clientSent();
    if (head !== null && startsLike(head, H2_PREFACE) && head.length >= H2_PREFACE.length) {
      // HTTP/2 without TLS would carry hundreds of requests past the per-address caps on one
      // connection: this server speaks HTTP/1.1 only (behind TLS, a proxy speaks HTTP/2 for it).
      refused++;
      return end();
    }
    // A client that shut its side after its request (a half-close) still gets its response.
    pipe(client, innerConn, CLIENT_BUFFER, { received: () => connection.clientSent() }, head ?? undefined)
      .then(() => connection.clientEnded(), end);
  }

  const accepting = (async () => {
    let backoff = BACKOFF_MIN_MS;
    while (!closing) {
      let client: Deno.TcpConn;
      try {
        client = await listener.accept() as Deno.TcpConn;
      } catch (error) {
        if (closing) return;
        // Out of descriptors, most likely: free what idles, wait, and go on accepting.
        logger("warn", "cannot accept a connection: shedding idle ones", { error: String(error) });
        closeIdle();
        await sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      backoff = BACKOFF_MIN_MS;
      admit(client).catch(() => client.close());
    }
  })();

  const sweepEvery = Math.max(
    50,
    Math.min(1000, Math.min(options.headerTimeoutMs, options.idleTimeoutMs) / 4),
  );
  // A reader that takes no byte of its response for this long is stuck (a slow one still takes some).
  const stuckAfterMs = Math.max(options.idleTimeoutMs * 4, STUCK_READER_MS);
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const connection of [...byInnerPort.values()]) {
      // A response still on its way is never cut; a reader that takes nothing for the idle
      // timeout is a stuck one, and goes.
      if (connection.sending) {
        if (now - connection.lastSent > stuckAfterMs) connection.close();
        continue;
      }
      if (connection.inFlight > 0) continue;
      const slowHead = connection.headStartedAt !== undefined &&
        now - connection.headStartedAt > options.headerTimeoutMs;
      const idle = connection.headStartedAt === undefined &&
        now - connection.quietSince > options.idleTimeoutMs;
      if (slowHead || idle) connection.close();
    }
  }, sweepEvery);

  return {
    addr,
    get connections() {
      return open;
    },
    get refused() {
      return refused;
    },
    async shutdown() {
      closing = true;
      try {
        listener.close();
      } catch {
        // already closed
      }
      await accepting;
      closeIdle();
      await inner.shutdown();
      clearInterval(sweeper);
      // The internal server has written its last responses and closed its side: let each pipe
      // pass on what it still holds before the gate lets go.
      const remaining = [...byInnerPort.values()];
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(remaining.map((connection) => connection.ended)),
        new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS))),
      ]);
      clearTimeout(timer);
      for (const connection of remaining) connection.close();
    },
  };
}
