/** CPU time of a process so far, read from the kernel. */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time of a process so far, in milliseconds (all its threads, user and system). */
export function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name (which may hold spaces) start at ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}
