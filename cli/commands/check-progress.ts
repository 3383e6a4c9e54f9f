import type { ClosureProgress, Progress } from '../../model/index.js';
import type { CliIo } from '../io.js';

/** The limits a run was given, for the estimate. */
export interface RunLimits {
  readonly maxStates: number;
  readonly maxSeconds: number;
}

const EVERY_MS = 2000;
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

/**
 * The estimate a run can honestly give: how long until its state or time limit ends it. Without a limit
 * there is none (the reachable state count is what the search is finding out).
 */
export function estimate(p: Progress, seconds: number, limits: RunLimits): string {
  const toStates =
    Number.isFinite(limits.maxStates) && p.statesPerSecond > 0
      ? (limits.maxStates - p.states) / p.statesPerSecond
      : Number.POSITIVE_INFINITY;
  const left = Math.max(0, Math.min(toStates, limits.maxSeconds - seconds));
  return Number.isFinite(left) ? `, limit in ~${Math.ceil(left)} s` : '';
}

/** One progress line: states, states/s, depth, queue, memory, elapsed time and the estimate. */
export function progressLine(p: Progress, seconds: number, rss: number, limits: RunLimits): string {
  return `${p.states} states, ${Math.round(p.statesPerSecond)} states/s, depth ${p.depth}, queue ${p.queue}, ${mib(rss)} MiB, ${Math.round(seconds)} s${estimate(p, seconds, limits)}`;
}

/**
 * A progress callback printing on stderr every 2 s: one live line on a terminal (cleared by the
 * returned `done`), plain lines otherwise (`--progress` into a pipe or a file).
 */
export function progressPrinter(
  io: CliIo,
  limits: RunLimits,
): { onProgress: (p: Progress) => void; done: () => void } {
  const start = performance.now();
  let last = start;
  let printed = false;
  return {
    onProgress: (p) => {
      const now = performance.now();
      if (now - last < EVERY_MS) return;
      last = now;
      printed = true;
      const line = progressLine(p, (now - start) / 1000, process.memoryUsage().rss, limits);
      io.stderr(io.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done: () => {
      if (printed && io.isTTY) io.stderr('\r\x1b[K');
    },
  };
}

/**
 * The table closure's progress (`export promela --tables closure`) on stderr every 2 s, the same way:
 * node states per side, closure states expanded, memory and elapsed time. There is no estimate: how
 * many states the closure has is what it is finding out.
 */
export function closurePrinter(io: CliIo): { onProgress: ClosureProgress; done: () => void } {
  const start = performance.now();
  let last = start;
  let printed = false;
  return {
    onProgress: (entries, expanded) => {
      const now = performance.now();
      if (now - last < EVERY_MS) return;
      last = now;
      printed = true;
      const line = `closure: ${entries.primary} primary and ${entries.secondary} secondary node states, ${expanded} closure states expanded, ${mib(process.memoryUsage().rss)} MiB, ${Math.round((now - start) / 1000)} s`;
      io.stderr(io.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done: () => {
      if (printed && io.isTTY) io.stderr('\r\x1b[K');
    },
  };
}
