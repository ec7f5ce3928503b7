import { cpus, totalmem } from "node:os";

/** One line naming the machine and Node version, printed by every benchmark. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `machine: ${cpu}, ${cpus().length} cores visible, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${process.platform}-${process.arch}`;
}

/** Peak resident set size of this process so far, MB (kernel's maxrss). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
