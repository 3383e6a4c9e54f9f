import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PromelaExport } from '../promela/index.js';

const exec = promisify(execFile);

/** Generous bounds: a hung spin, gcc or pan must end the run, not the CI job. */
const TIMEOUT_MS = { build: 300_000, search: 600_000 } as const;

/** Runs a tool; a failure says what the tool printed (spin reports its syntax errors on stdout). */
async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeout: number; env?: NodeJS.ProcessEnv },
): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { ...options, maxBuffer: 64 * 2 ** 20 });
    return stdout;
  } catch (error) {
    const {
      stdout = '',
      stderr = '',
      killed,
    } = error as { stdout?: string; stderr?: string; killed?: boolean };
    const why = killed ? `timed out after ${options.timeout / 1000} s` : 'failed';
    throw new Error(
      `${command} ${args.join(' ')} ${why} in ${options.cwd}:\n${`${stdout}\n${stderr}`.trim().slice(0, 4000)}`,
    );
  }
}

/** What one pan run reports. @public */
export interface PanResult {
  /** The assertion pan stopped on (its text, e.g. `(toSn<8)`), when it found an error. */
  readonly assertion: string | null;
  readonly states: number;
  readonly transitions: number;
  readonly errors: number;
  readonly depth: number;
  /** Bytes of Spin's state vector. */
  readonly vectorBytes: number;
  /** pan's wall time (the search alone, not spin -a or gcc). */
  readonly seconds: number;
  /** Spin did not finish the search (an error stopped it, or a limit). */
  readonly partial: boolean;
  /** pan's time limit (-Q minutes) ended the search. */
  readonly timedOut: boolean;
  /** Bitstate runs only: bits of the hash array per stored state (Spin: "best if > 100"); null otherwise. */
  readonly hashFactor: number | null;
}

/** A model compiled by spin -a and gcc, ready to run. @public */
export interface PanBuild {
  /** The directory with the model, pan.c and pan; {@link removePan} deletes it. */
  readonly dir: string;
  readonly pan: string;
  /** spin -a plus gcc, seconds. */
  readonly buildSeconds: number;
}

/** Whether `spin` and `gcc` are on the PATH. @public */
export async function spinAvailable(): Promise<boolean> {
  try {
    await exec('spin', ['-V']);
    await exec('gcc', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the export (the model, the tables header and the tables binary) into a fresh directory and
 * builds pan there: `spin -a`, then `gcc -O2` (safety checks, no never claim; `-DCOLLAPSE` when asked,
 * Spin's own state compression). gcc runs in that directory, where the header's `.incbin` finds the binary.
 * @public
 */
export async function buildPan(model: PromelaExport, flags: readonly string[] = []): Promise<PanBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-spin-'));
  await writeFile(join(dir, 'colo.pml'), model.text);
  await writeFile(join(dir, model.tablesFile), model.tables);
  await writeFile(join(dir, model.tablesDataFile), model.tablesData);
  const start = performance.now();
  try {
    await run('spin', ['-a', 'colo.pml'], { cwd: dir, timeout: TIMEOUT_MS.build });
    await run('gcc', ['-O2', '-w', '-DSAFETY', ...flags, '-o', 'pan', 'pan.c'], {
      cwd: dir,
      timeout: TIMEOUT_MS.build,
    });
  } catch (error) {
    await removePan({ dir });
    throw error;
  }
  return { dir, pan: join(dir, 'pan'), buildSeconds: (performance.now() - start) / 1000 };
}

/** Deletes a build's directory. @public */
export async function removePan(build: Pick<PanBuild, 'dir'>): Promise<void> {
  await rm(build.dir, { recursive: true, force: true });
}

const number = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`pan: no ${pattern.source} in its output:\n${text.slice(0, 2000)}`);
  return Number(m[1]);
};

/**
 * Runs pan with property `prop` asserted (0: none, a pure count; see promelaPropertyNumber) and parses
 * its report. The depth limit is 10^6 unless `args` has a `-m` (pan allocates its stack for it: 10^7
 * costs ~0.45 s per run).
 * pan stops at the first error, so `errors > 0` comes with a partial count and the failed `assertion`.
 * `cwd` is where pan writes its trail (`colo.pml.trail`): runs side by side need one folder each.
 * @public
 */
export async function runPan(
  build: PanBuild,
  prop: number,
  args: readonly string[] = [],
  cwd: string = build.dir,
): Promise<PanResult> {
  const start = performance.now();
  // the default depth limit unless the caller gives its own (a swarm run's -m from --depth)
  const depth = args.some((arg) => arg.startsWith('-m')) ? [] : ['-m1000000'];
  const stdout = await run(build.pan, [...depth, ...args], {
    cwd,
    env: { ...process.env, LOCKSTEP_PROP: String(prop) },
    timeout: TIMEOUT_MS.search,
  });
  const seconds = (performance.now() - start) / 1000;
  const errors = number(stdout, /errors: (\d+)/);
  const factor = /hash factor: ([\d.e+]+)/.exec(stdout);
  const timedOut = /Time limit of .* exceeded/.test(stdout);
  return {
    assertion: /assertion violated (.*?) \(at depth/.exec(stdout)?.[1] ?? null,
    states: number(stdout, /(\d+) states, stored/),
    transitions: number(stdout, /(\d+) transitions \(= stored\+matched\)/),
    errors,
    depth: number(stdout, /depth reached (\d+)/),
    vectorBytes: number(stdout, /State-vector (\d+) byte/),
    seconds,
    partial: errors > 0 || timedOut || /Search not completed|max search depth too small/.test(stdout),
    timedOut,
    hashFactor: factor ? Number(factor[1]) : null,
  };
}

/**
 * Replays the trail pan left in `cwd` (`pan -r`: pan follows the trail itself, embedded C included) and
 * returns what the model printed: the Promela export prints one `LOCKSTEP_STEP k` per step.
 * @public
 */
export async function replayTrail(
  build: PanBuild,
  prop: number,
  cwd: string,
  depth = 1_000_000,
): Promise<string> {
  return run(build.pan, ['-r', '-n', `-m${depth}`], {
    cwd,
    env: { ...process.env, LOCKSTEP_PROP: String(prop) },
    timeout: TIMEOUT_MS.search,
  });
}
