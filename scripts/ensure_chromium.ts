/**
 * Makes sure the browser tests have a Chromium: Debian's `chromium` package (Playwright cannot
 * download its own browser here). Installs it with apt-get when missing and we are root.
 */
export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

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

if (import.meta.main && !(await exists(CHROMIUM_PATH))) {
  console.log(`${CHROMIUM_PATH} is missing: installing Debian's chromium…`);
  if (Deno.uid() !== 0) {
    console.error("Run as root, or install chromium yourself (apt-get install -y chromium).");
    Deno.exit(1);
  }
  await run("apt-get", ["update", "-qq"]);
  await run("apt-get", ["install", "-y", "-qq", "chromium"]);
}
