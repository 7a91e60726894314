/**
 * `deno task build`: build the browser assets (`--if-stale`: only when an input changed).
 * `deno task dev`: build, serve with restarts on change, and rebuild assets as sources change.
 */
import { buildAssets } from "./lib/build/assets.ts";
import { writeRegistries } from "./lib/build/features.ts";

const [command, flag] = Deno.args;

if (command === "build") {
  const registries = await writeRegistries();
  if (registries.length > 0) console.log(`wrote lib/${registries.join(", lib/")}`);
  const { manifest, built } = await buildAssets({ force: flag !== "--if-stale" });
  console.log(built ? `built ${manifest.script} and ${manifest.style}` : "assets are up to date");
} else {
  await buildAssets();
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--watch=static/build/manifest.json", "main.ts"],
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher = Deno.watchFs(["client.ts", "islands", "lib", "components", "static/styles.css"]);
  Deno.addSignalListener("SIGINT", () => {
    watcher.close();
    server.kill();
    Deno.exit(0);
  });
  for await (const _event of watcher) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      buildAssets().then(({ built }) => built && console.log("assets rebuilt")).catch(console.error);
    }, 150);
  }
}
