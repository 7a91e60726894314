/**
 * A real load balancer for fleet tests: Debian's HAProxy in front of instances on loopback,
 * round-robin with no stickiness, as an operator would run it: health checks on /api/health, a
 * request that could not reach an instance (refused: it is restarting) or was turned away by one
 * shutting down (503) is tried on another, and streams are never buffered or timed out early.
 */
import { HAPROXY_PATH } from "../../scripts/ensure_packages.ts";

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/** A free port on loopback (for an instance restarted on the same port). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export async function startBalancer(ports: number[]): Promise<Balancer> {
  const port = freePort();
  const config = `
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout http-request 10s
  retries 3
  option redispatch 1
  option http-buffer-request
  retry-on conn-failure empty-response 503
frontend web
  bind 127.0.0.1:${port}
  option forwardfor
  default_backend kabotan
backend kabotan
  balance roundrobin
  option httpchk GET /api/health
  http-check expect status 200
${ports.map((p, i) => `  server k${i} 127.0.0.1:${p} check inter 300 fall 1 rise 1`).join("\n")}
`;
  const file = await Deno.makeTempFile({ suffix: ".cfg" });
  await Deno.writeTextFile(file, config);
  const process = new Deno.Command(HAPROXY_PATH, {
    args: ["-db", "-f", file],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  void process.stderr.pipeTo(new WritableStream()).catch(() => {});
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (true) {
    const up = await fetch(`${url}/api/health`).then((r) => r.body?.cancel().then(() => r.ok), () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error("HAProxy did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: async () => {
      try {
        process.kill("SIGTERM");
      } catch { /* gone */ }
      await process.status;
      await Deno.remove(file).catch(() => {});
    },
  };
}
