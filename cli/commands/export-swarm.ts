import { join } from 'node:path';
import { COLO_PROPERTIES, type ColoModelOptions, type PromelaExport, traceFile } from '../../model/index.js';
import { runSwarm, type SwarmReport, spinAvailable } from '../../model/spin/index.js';
import { EXIT_FAILURE, EXIT_INCOMPLETE, UsageError } from '../errors.js';
import { writeOutputFile } from '../io.js';
import { integer } from './model-options.js';

/** The swarm flags of `lockstep export promela`. */
export interface SwarmFlags {
  readonly swarm?: string;
  readonly bits?: string;
  readonly hashes?: string;
  readonly parallel?: string;
  readonly depth?: string;
  readonly minutes?: string;
  readonly hashCompact?: true;
}

const isFinding = (property: string): boolean =>
  COLO_PROPERTIES.find((p) => p.name === property)?.counts === 'finding';

/** The flags as swarm options, checked before the export's search (a typo costs nothing). */
export function swarmOptions(flags: SwarmFlags) {
  if (flags.hashCompact && flags.hashes !== undefined)
    throw new UsageError(
      '--hashes is pan -k of a bitstate search; --hash-compact stores one signature per state',
    );
  return {
    jobs: integer('swarm', flags.swarm, 1, 1, 1000),
    mode: flags.hashCompact ? ('hash-compact' as const) : ('bitstate' as const),
    bits: integer('bits', flags.bits, 24, 10, 34),
    ...(flags.hashCompact ? {} : { hashes: integer('hashes', flags.hashes, 3, 1, 32) }),
    parallel: integer('parallel', flags.parallel, 2, 1, 256),
    depth: integer('depth', flags.depth, 1_000_000, 100, 100_000_000),
    ...(flags.minutes === undefined ? {} : { minutes: integer('minutes', flags.minutes, 0, 1, 9) }),
  };
}

/**
 * Runs the swarm on the export just written and sets the exit code: 1 for a violation (a finding such
 * as split-brain does not count), 1 for a problem of the export, else 3: an approximate search never proves.
 */
export async function runExportSwarm(
  model: PromelaExport,
  options: ReturnType<typeof swarmOptions>,
  setExit: (code: number) => void,
): Promise<SwarmReport> {
  if (!(await spinAvailable()))
    throw new Error('--swarm needs spin and gcc on the PATH (Debian: apt-get install spin gcc)');
  const report = await runSwarm(model, options);
  const violated = report.verdicts.some((v) => v.verdict === 'violated' && !isFinding(v.property));
  // a trail the model refuses, or that does not violate the property there, is a disagreement
  const unconfirmed = report.verdicts.some(
    (v) =>
      v.counterexample !== null &&
      (v.counterexample.model.refusedAt !== null || !v.counterexample.model.violated),
  );
  setExit(violated || unconfirmed || report.problems.length > 0 ? EXIT_FAILURE : EXIT_INCOMPLETE);
  return report;
}

/** Writes each property's shortest Spin counterexample as DIR/PROPERTY.json; returns the paths. */
export async function writeSwarmTraces(
  dir: string,
  options: ColoModelOptions,
  report: SwarmReport,
): Promise<string[]> {
  const paths: string[] = [];
  for (const v of report.verdicts) {
    if (!v.counterexample) continue;
    const path = join(dir, `${v.property}.json`);
    const text = JSON.stringify(
      traceFile(
        options,
        v.property,
        v.counterexample.steps.map((action) => ({ action })),
      ),
      null,
      2,
    );
    await writeOutputFile('--trace-out', path, `${text}\n`);
    paths.push(path);
  }
  return paths;
}

/** The swarm's report as lines for the terminal. */
export function swarmLines(report: SwarmReport): string[] {
  const percent = (x: number | null) => (x === null ? 'unknown' : `${(100 * x).toFixed(1)}%`);
  const worst = Math.max(0, ...report.runs.map((r) => r.omission));
  return [
    `swarm: ${report.runs.length} ${report.mode} runs of pan (${report.build.flags.join(' ')}), ${report.seconds.toFixed(1)} s; lockstep's search counted ${report.known ?? 'an unknown number of'} states`,
    ...report.verdicts.map((v) => {
      const text =
        v.verdict === 'violated'
          ? `${isFinding(v.property) ? 'FINDING' : 'VIOLATED'} in ${v.violatedIn} of ${v.runs} runs`
          : `not found (${report.mode}: incomplete${report.caveat ? `; ${report.caveat}` : ''}), ${v.runs} runs`;
      const line = `  ${v.property}: ${text}; best run ${v.bestStates} states (${percent(v.coverage)} of lockstep's)`;
      const c = v.counterexample;
      if (!c) return line;
      const onModel =
        c.model.refusedAt !== null
          ? `the model REFUSES step ${c.model.refusedAt + 1}`
          : c.model.violated
            ? `replayed on lockstep's model: ${v.property} violated there too`
            : `replayed on lockstep's model: ${v.property} NOT violated there`;
      return `${line}\n    Spin's trail (run ${c.job}): ${c.steps.length} steps; ${onModel}`;
    }),
    `  highest omission estimate at a run's end: ${worst.toExponential(2)} per new state`,
    ...(report.runs.some((r) => r.truncated)
      ? ['  some runs hit the depth limit (--depth): paths were cut off']
      : []),
    ...(report.runs.some((r) => r.timedOut)
      ? [
          `  ${report.runs.filter((r) => r.timedOut).length} of ${report.runs.length} runs were ended by the time limit (--minutes)`,
        ]
      : []),
    ...(report.caveat ? [`  every verdict is ${report.caveat}`] : []),
    ...report.problems.map((p) => `problem: ${p}`),
  ];
}
