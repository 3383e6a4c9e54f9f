/**
 * The long kill -9 loop (the test runs five per layout): primary and secondary as OS processes in COLO,
 * one killed at a seeded random moment during checkpoints, the survivor fails over and must hold a whole
 * checkpoint the primary sent. Runs alternate between the main channel and multifd 2, and victims between
 * primary and secondary; several runs go at once, each its own pair. The bench's loop runs the built CLI
 * (dist/), which starts in a fraction of tsx's time: `npm run build` first (a stale build is refused).
 *
 * `npx tsx bench/kill-loop.ts [runs] [parallel]` prints one JSON line per layout and one for the whole loop.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../runtime/guest/index.js';
import { type KillOutcome, killRun } from '../test/faults/support/kill-run.js';
import type { Launcher } from '../test/faults/support/lockstep-process.js';

type Run = KillOutcome & { victim: 'primary' | 'secondary'; multifd: number; delayMs: number; ms: number };

/** Options of {@link killLoop}. */
export interface KillLoopOptions {
  readonly seed?: number;
  /** Runs at once, each its own pair of processes (default 1). */
  readonly parallel?: number;
  /** Channel layouts, taken in turn (default: the main channel and multifd 2). */
  readonly layouts?: readonly number[];
  /** How the nodes run (default: the built CLI). */
  readonly launcher?: Launcher;
  /** Hears each run as it ends (progress). */
  readonly onRun?: (run: Run, done: number) => void;
}

/**
 * Runs `runs` kills: run `i` over `layouts[i % layouts.length]`, victim the secondary every third run,
 * after a seeded delay of up to 1.5 s into COLO. Resolves with every run's outcome.
 */
export async function killLoop(runs: number, options: KillLoopOptions = {}): Promise<Run[]> {
  const { seed = 7, parallel = 1, layouts = [0, 2], launcher = 'dist' } = options;
  const rng = new Prng(seed);
  const plan = Array.from({ length: runs }, (_, i) => ({
    victim: i % 3 === 2 ? ('secondary' as const) : ('primary' as const),
    multifd: layouts[i % layouts.length]!,
    delayMs: rng.nextInt(1500),
  }));
  const done: Run[] = [];
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const { victim, multifd, delayMs } = plan[next++]!;
      const started = performance.now();
      const outcome = await killRun(victim, delayMs, { multifd, launcher });
      const run = { ...outcome, victim, multifd, delayMs, ms: performance.now() - started };
      done.push(run);
      options.onRun?.(run, done.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return done;
}

/** One JSON-able summary of `runs` (all of a loop's, or one layout's). */
export function summary(runs: readonly Run[], extra: Record<string, unknown> = {}): object {
  const count = (verdict: KillOutcome['verdict']) => runs.filter((o) => o.verdict === verdict).length;
  const primaryKills = runs.filter((o) => o.victim === 'primary');
  return {
    figure: 'kill-loop',
    ...extra,
    runs: runs.length,
    primaryKills: primaryKills.length,
    failures: count('failure'),
    hangs: count('hang'),
    // a start-up step timed out with both processes alive (a loaded machine): no kill happened
    notStarted: count('not-started'),
    // the pair did not start for a reason (a process exited, a command refused, the migration failed): a problem
    startFailures: count('start-failed'),
    meanResumedCheckpoint:
      primaryKills.reduce((sum, o) => sum + o.checkpoints, 0) / Math.max(1, primaryKills.length),
    meanRunSeconds: Number(
      (runs.reduce((sum, o) => sum + o.ms, 0) / Math.max(1, runs.length) / 1000).toFixed(2),
    ),
    problems: runs
      .filter((o) => o.verdict !== 'ok')
      .map((o) => `${o.victim} multifd ${o.multifd}: ${o.detail}`),
  };
}

/**
 * The bench's line for one layout (bench/run.ts): `runs` kills over `multifd` channels, `parallel` at once,
 * with the built CLI when dist/ is fresh (else from the sources, which start slower; the line says which).
 */
export async function killLoopLine(runs: number, seed = 7, multifd = 0, parallel = 3): Promise<object> {
  const launcher: Launcher = (await staleBuild()) === null ? 'dist' : 'sources';
  const started = performance.now();
  const outcomes = await killLoop(runs, { seed, layouts: [multifd], launcher, parallel });
  const seconds = Math.round((performance.now() - started) / 1000);
  return summary(outcomes, { multifd, seed, parallel, launcher, seconds });
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time of the .ts files under `dir` (recursively, node_modules and dist excluded). */
async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Null if dist/ is at least as new as every source the nodes run, else why not. */
export async function staleBuild(): Promise<string | null> {
  const built = await stat(join(root, 'dist/cli/main.js')).catch(() => null);
  if (!built) return 'dist/cli/main.js is missing: run `npm run build` first';
  const dirs = ['cli', 'runtime', 'machines', 'conformance'].map((d) => join(root, d));
  const newest = Math.max(...(await Promise.all(dirs.map(newestSource))));
  return newest > built.mtimeMs ? 'dist/ is older than the sources: run `npm run build` first' : null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 1000);
  const parallel = Number(process.argv[3] ?? 3);
  const stale = await staleBuild();
  if (stale !== null || !Number.isInteger(runs) || runs < 1 || !Number.isInteger(parallel) || parallel < 1) {
    console.error(`kill-loop: ${stale ?? 'usage: npx tsx bench/kill-loop.ts [runs >= 1] [parallel >= 1]'}`);
    process.exit(2);
  }
  const started = performance.now();
  const tally = { failure: 0, hang: 0, 'not-started': 0, 'start-failed': 0 };
  const outcomes = await killLoop(runs, {
    parallel,
    // progress on stderr: every 25th run and every problem, with the counts so far
    onRun: (run, done) => {
      if (run.verdict !== 'ok') tally[run.verdict]++;
      if (run.verdict !== 'ok' || done % 25 === 0) {
        const seconds = Math.round((performance.now() - started) / 1000);
        console.error(
          `kill-loop: ${done}/${runs} runs, ${tally.failure} failures, ${tally.hang} hangs, ` +
            `${tally['not-started']} not started (timed out), ${tally['start-failed']} failed to start, ${seconds} s` +
            (run.verdict === 'ok' ? '' : ` (${run.victim}, multifd ${run.multifd}: ${run.detail})`),
        );
      }
    },
  });
  for (const multifd of [0, 2])
    console.log(
      JSON.stringify(
        summary(
          outcomes.filter((o) => o.multifd === multifd),
          { multifd, parallel },
        ),
      ),
    );
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(
    JSON.stringify(summary(outcomes, { layouts: 'main channel and multifd 2', parallel, seconds })),
  );
}
