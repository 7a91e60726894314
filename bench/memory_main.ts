/** Prints benchMemory's result as JSON (run with --v8-flags=--expose-gc). */
import { benchMemory } from "./memory.ts";

console.log(JSON.stringify(await benchMemory(1000)));
