import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ColoAction } from '../colo/index.js';
import {
  BOUNDED_CAVEAT,
  PROMELA_PROPERTIES,
  type PromelaExport,
  type PromelaProperty,
  promelaPropertyNumber,
} from '../promela/index.js';
import { machinery } from './machinery.js';
import { buildPan, type PanBuild, removePan, replayTrail, runPan } from './run-spin.js';
import { type ModelReplay, replayOnModel, trailSteps } from './trail.js';

/**
 * Spin's two approximate ways of storing visited states: `bitstate` sets k bits of an array per state
 * (-DBITSTATE); `hash-compact` keeps a 96-bit signature of each state in a hash table (-DHC4: the
 * 64-bit hash plus 4 bytes of a second one), more memory per state and far fewer omissions.
 * @public
 */
export type SwarmMode = 'bitstate' | 'hash-compact';

/** How a swarm of approximate pan runs is made. @public */
export interface SwarmOptions {
  /** pan runs per property, each diversified (hash seed, transition order, direction). */
  readonly jobs: number;
  /** How each run stores visited states; default `bitstate`. */
  readonly mode?: SwarmMode;
  /**
   * pan -w: log2 of the bitstate array in bits, or with `hash-compact` of the hash table's slots (its
   * signatures come on top, 12 bytes and a link per state); default 24.
   */
  readonly bits?: number;
  /** Bits set per state (pan -k), bitstate only; default 3. */
  readonly hashes?: number;
  /** pan's depth limit (-m; its DFS stack is allocated for it); default 10^6. */
  readonly depth?: number;
  /** pan processes at once; default the machine's parallelism. */
  readonly parallel?: number;
  /** A time limit per run in minutes (pan -Q); default none. A run it ends is `timedOut`. */
  readonly minutes?: number;
  /** The properties to search for; default every one of PROMELA_PROPERTIES. */
  readonly properties?: readonly PromelaProperty[];
}

/** One pan run of a swarm. @public */
export interface SwarmRun {
  readonly property: PromelaProperty;
  readonly job: number;
  /** pan's options for this run: the same build and these options repeat it (also on another host). */
  readonly args: readonly string[];
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  /** Bits of the array per stored state (Spin: "best if > 100"). */
  readonly hashFactor: number | null;
  /**
   * Estimated probability that a new state met at the end of this run was taken for a visited one and
   * pruned: bitstate (1 - e^(-k n / m))^k for n stored states, m bits and k bits per state;
   * hash-compact n / 2^96, the chance its 96-bit signature equals one of the n stored.
   */
  readonly omission: number;
  /** The run hit pan's depth limit: it cut paths off, beyond what bitstate already prunes. */
  readonly truncated: boolean;
  /** The run's time limit (SwarmOptions.minutes) ended it before its search did. */
  readonly timedOut: boolean;
  /** This run's assertion for the property failed. */
  readonly violated: boolean;
  /** An assertion of the export's own machinery failed (not a verdict; see model/spin/machinery.ts). */
  readonly problem: string | null;
  /**
   * A violating run's trail, replayed by pan (`pan -r`) into lockstep steps, and those steps replayed on
   * lockstep's model with the property checked where they end; null when the run violated nothing.
   */
  readonly counterexample: SpinCounterexample | null;
  readonly seconds: number;
}

/** A Spin trail as lockstep steps, and what lockstep's model says of them. @public */
export interface SpinCounterexample {
  readonly steps: readonly ColoAction[];
  readonly model: ModelReplay;
}

/** A property's verdict from a swarm: an approximate search never proves, so at best "not found". @public */
export interface SwarmVerdict {
  readonly property: PromelaProperty;
  readonly verdict: 'violated' | 'not-found';
  /** Always false: bitstate and hash-compact searches may prune states they never visited. */
  readonly complete: false;
  readonly runs: number;
  /** Runs that found a violation. */
  readonly violatedIn: number;
  /** The most states one run stored (runs overlap: their sum says nothing). */
  readonly bestStates: number;
  /**
   * bestStates over the states lockstep's complete search of the same configuration counted (the search
   * that compiled the export's tables), or null when that search was not complete.
   */
  readonly coverage: number | null;
  /** The shortest trail of the violating runs, as lockstep steps replayed on the model; null if none violated. */
  readonly counterexample: (SpinCounterexample & { readonly job: number }) | null;
}

/** What a swarm found. @public */
export interface SwarmReport {
  /** How the runs stored visited states. */
  readonly mode: SwarmMode;
  /** The compile flags of the one pan every run uses. */
  readonly build: { readonly flags: readonly string[]; readonly seconds: number };
  /** States of lockstep's search for the export (its tables), when complete; else null. */
  readonly known: number | null;
  readonly runs: readonly SwarmRun[];
  readonly verdicts: readonly SwarmVerdict[];
  /** Failed assertions of the export's machinery, once each. */
  readonly problems: readonly string[];
  /** Always false: see {@link SwarmVerdict.complete}. */
  readonly complete: false;
  /**
   * What the verdicts are worth beyond "an approximate search is incomplete": {@link BOUNDED_CAVEAT} when the export's
   * tables came from a bounded search (Spin searched an under-approximation), else null.
   */
  readonly caveat: string | null;
  readonly seconds: number;
}

/** The storage mode, with the transition order randomised by each run's -RS seed (Spin's swarm recipe). */
const SWARM_FLAGS: Record<SwarmMode, readonly string[]> = {
  bitstate: ['-DBITSTATE', '-DT_RAND'],
  'hash-compact': ['-DHC4', '-DT_RAND'],
};

/** Bits of a hash-compact signature: pan's 64-bit hash (WS, 8 bytes) and HC4's 4 bytes of a second. */
const SIGNATURE_BITS = 96;

/** The diversification of run `job`: its random seed, hash seed and, every other run, reversed order. */
function panArgs(job: number, storage: string[], depth: number, minutes?: number): string[] {
  const args = [`-m${depth}`, ...storage, `-RS${job + 1}`, `-h${job % 500}`, '-n'];
  if (minutes !== undefined) args.push(`-Q${minutes}`);
  if (job % 2 === 1) args.push('-t_reverse');
  return args;
}

/**
 * The chance a new state is taken for a visited one: bitstate (1 - e^(-k n / m))^k, all its k bits set
 * already; hash-compact n / 2^96, its signature equal to one of the n stored.
 */
const omission = (mode: SwarmMode, states: number, bits: number, hashes: number): number =>
  mode === 'bitstate'
    ? (1 - Math.exp((-hashes * states) / 2 ** bits)) ** hashes
    : states / 2 ** SIGNATURE_BITS;

/**
 * Runs pan in bitstate (or hash-compact) mode on an export as a local swarm: `jobs` diversified runs
 * per property (pan -RS seed with -DT_RAND, -h hash seed, -t_reverse on odd jobs; -w, -k and -m as
 * asked), `parallel` at a time, each in its own
 * folder (its trail). The verdict is `violated` when any run's assertion failed, else `not-found`:
 * never `holds`, since both searches are incomplete; each run reports its states and its omission
 * estimate, and the best run's states are set against lockstep's count.
 * @example
 * ```ts
 * const report = await runSwarm(exportPromela({ multifd: 2 }), { jobs: 4, bits: 22 });
 * report.verdicts.find((v) => v.property === 'deadlock')?.verdict; // 'violated' or 'not-found'
 * ```
 * @public
 */
export async function runSwarm(model: PromelaExport, options: SwarmOptions): Promise<SwarmReport> {
  const mode = options.mode ?? 'bitstate';
  const bits = options.bits ?? 24;
  const hashes = options.hashes ?? 3;
  if (mode === 'hash-compact' && options.hashes !== undefined)
    throw new Error(
      'swarm: hashes (pan -k) is a bitstate option; hash-compact stores one signature per state',
    );
  const storage = mode === 'bitstate' ? [`-w${bits}`, `-k${hashes}`] : [`-w${bits}`];
  const depth = options.depth ?? 1_000_000;
  const parallel = Math.max(1, options.parallel ?? availableParallelism());
  const properties = options.properties ?? PROMELA_PROPERTIES;
  const start = performance.now();
  const build = await buildPan(model, SWARM_FLAGS[mode]);
  const tasks = properties.flatMap((property) =>
    Array.from({ length: options.jobs }, (_, job) => ({ property, job })),
  );
  const runs: SwarmRun[] = [];
  try {
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) {
        const task = tasks[next++]!;
        runs.push(
          await swarmRun(build, model, task, panArgs(task.job, storage, depth, options.minutes), {
            mode,
            bits,
            hashes,
            depth,
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, worker));
  } finally {
    await removePan(build);
  }
  runs.sort((a, b) => properties.indexOf(a.property) - properties.indexOf(b.property) || a.job - b.job);
  const known = model.report?.complete ? model.report.states : null;
  const verdicts = properties.map((property): SwarmVerdict => {
    const mine = runs.filter((r) => r.property === property);
    const violatedIn = mine.filter((r) => r.violated).length;
    const bestStates = Math.max(0, ...mine.map((r) => r.states));
    const shortest = mine
      .flatMap((r) => (r.counterexample ? [{ job: r.job, ...r.counterexample }] : []))
      .sort((a, b) => a.steps.length - b.steps.length)[0];
    return {
      property,
      verdict: violatedIn > 0 ? 'violated' : 'not-found',
      complete: false,
      runs: mine.length,
      violatedIn,
      bestStates,
      coverage: known ? bestStates / known : null,
      counterexample: shortest ?? null,
    };
  });
  const problems = [...new Set(runs.flatMap((r) => (r.problem ? [r.problem] : [])))];
  return {
    mode,
    build: { flags: SWARM_FLAGS[mode], seconds: build.buildSeconds },
    known,
    runs,
    verdicts,
    problems,
    complete: false,
    caveat: model.bounded ? BOUNDED_CAVEAT : null,
    seconds: (performance.now() - start) / 1000,
  };
}

async function swarmRun(
  build: PanBuild,
  model: PromelaExport,
  { property, job }: { property: PromelaProperty; job: number },
  args: readonly string[],
  { mode, bits, hashes, depth }: { mode: SwarmMode; bits: number; hashes: number; depth: number },
): Promise<SwarmRun> {
  const cwd = join(build.dir, `${property}-${job}`);
  await mkdir(cwd);
  const prop = promelaPropertyNumber(property);
  const result = await runPan(build, prop, args, cwd);
  const problem = machinery(result.assertion);
  const violated = result.errors > 0 && problem === null;
  let counterexample: SpinCounterexample | null = null;
  if (violated) {
    const steps = trailSteps(model, await replayTrail(build, prop, cwd, depth));
    counterexample = { steps, model: replayOnModel(model.options, property, steps) };
  }
  return {
    property,
    job,
    args,
    states: result.states,
    transitions: result.transitions,
    depth: result.depth,
    hashFactor: result.hashFactor,
    omission: omission(mode, result.states, bits, hashes),
    truncated: result.errors === 0 && result.partial && !result.timedOut,
    timedOut: result.timedOut,
    violated,
    problem,
    counterexample,
    seconds: result.seconds,
  };
}
