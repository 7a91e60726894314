/**
 * Makes sure the tests have what they drive from Debian: Chromium for the browser tests (Playwright
 * cannot download its own browser here) and HAProxy for the fleet tests (three instances behind a
 * real load balancer). Installs what is missing with apt-get, when we are root.
 */
export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const HAPROXY_PATH = Deno.env.get("HAPROXY_PATH") ?? "/usr/sbin/haproxy";

const PACKAGES: Array<{ name: string; path: string }> = [
  { name: "chromium", path: CHROMIUM_PATH },
  { name: "haproxy", path: HAPROXY_PATH },
];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<void> {
  const { success } = await new Deno.Command(cmd, {
    args,
    stdout: "inherit",
    stderr: "inherit",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  if (!success) throw new Error(`${cmd} ${args.join(" ")} failed`);
}

if (import.meta.main) {
  const missing = [];
  for (const { name, path } of PACKAGES) if (!(await exists(path))) missing.push(name);
  if (missing.length > 0) {
    console.log(`missing: ${missing.join(", ")}: installing from Debian…`);
    if (Deno.uid() !== 0) {
      console.error(`Run as root, or install them yourself (apt-get install -y ${missing.join(" ")}).`);
      Deno.exit(1);
    }
    await run("apt-get", ["update", "-qq"]);
    await run("apt-get", ["install", "-y", "-qq", ...missing]);
  }
}
