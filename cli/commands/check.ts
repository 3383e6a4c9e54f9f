import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { NodeState } from '../../machines/index.js';
import {
  COLO_PROPERTIES,
  type ColoAction,
  type ColoModel,
  type ColoModelOptions,
  type ColoState,
  checker,
  createColoModel,
  FIXES,
  messageSequenceChart,
  nodeOf,
  PROPOSED_FIXES,
  type PropertyVerdict,
  propertyKind,
  type Report,
  type Trace,
  traceFile,
  verdicts,
} from '../../model/index.js';
import { EXIT_FAILURE, EXIT_INCOMPLETE, parseChoice, UsageError } from '../errors.js';
import { type CliIo, checkTraceOut, paintVerdicts, writeOutputFile } from '../io.js';
import { progressPrinter } from './check-progress.js';
import { integer, type ModelFlags, modelOptions, withModelOptions } from './model-options.js';

interface CheckFlags extends ModelFlags {
  readonly mode?: string;
  readonly workers?: string;
  readonly seed?: string;
  readonly maxDepth?: string;
  readonly maxStates?: string;
  readonly maxSeconds?: string;
  readonly progress?: true;
  readonly por?: true;
  readonly traceOut?: string;
  readonly listFixes?: true;
  readonly json?: true;
}

const MODES = ['bfs', 'dfs', 'sim'] as const;
const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const isFinding = (property: string): boolean =>
  COLO_PROPERTIES.find((p) => p.name === property)?.counts === 'finding';

const coloValue = (node: NodeState): string | null => (node.colo ? String(node.colo.value) : null);

/** A trace as JSON: the steps by name, and what each side's COLO thread was in after each step. */
function traceJson(trace: Trace<ColoState, ColoAction>) {
  return trace.actions.map((action, i) => {
    const st = trace.states[i + 1]!;
    return {
      action,
      primary: coloValue(nodeOf(st, 'primary')),
      secondary: coloValue(nodeOf(st, 'secondary')),
    };
  });
}

type ColoVerdict = PropertyVerdict<ColoState, ColoAction>;

/** The verdict as the table prints it: a finding is not a violation, an unproven one says so. */
function verdictText(v: ColoVerdict): string {
  if (v.verdict === 'not-found') return 'not found (search incomplete)';
  if (v.verdict === 'violated') {
    if (v.kind === 'sometimes') return 'VIOLATED (never reached)';
    return isFinding(v.property) ? 'FINDING' : 'VIOLATED';
  }
  return v.kind === 'sometimes' && v.trace ? `holds (reached in ${v.trace.actions.length} steps)` : 'holds';
}

/** The search the flags ask for, run to its report. */
async function search(
  io: CliIo,
  flags: CheckFlags,
  options: ColoModelOptions,
  model: ColoModel,
): Promise<Report<ColoState, ColoAction>> {
  const mode = flags.mode === undefined ? 'bfs' : parseChoice('mode', flags.mode, MODES);
  const workers = integer('workers', flags.workers, 1, 1, 64);
  const seed = integer('seed', flags.seed, 1, 0, 2 ** 31 - 1);
  const builder = checker(model);
  if (flags.maxDepth !== undefined)
    builder.targetMaxDepth(integer('max-depth', flags.maxDepth, 0, 1, 100000));
  const maxStates =
    flags.maxStates === undefined
      ? Number.POSITIVE_INFINITY
      : integer('max-states', flags.maxStates, 0, 1, 2 ** 32 - 1);
  const maxSeconds =
    flags.maxSeconds === undefined
      ? Number.POSITIVE_INFINITY
      : integer('max-seconds', flags.maxSeconds, 0, 1, 7 * 24 * 3600);
  if (flags.por) {
    if (mode !== 'bfs' || workers > 1)
      throw new UsageError('--por runs with --mode bfs on one worker only (its cycle proviso is for BFS)');
    builder.partialOrder();
  }
  if (Number.isFinite(maxStates)) builder.targetStateCount(maxStates);
  if (Number.isFinite(maxSeconds)) builder.timeout(maxSeconds * 1000);
  const progress =
    flags.progress || (io.isTTY && !flags.json) ? progressPrinter(io, { maxStates, maxSeconds }) : null;
  if (progress) builder.onProgress(progress.onProgress);
  try {
    if (mode === 'dfs') return builder.spawnDfs();
    if (mode === 'sim') return builder.spawnSimulation(seed);
    if (workers <= 1) return builder.spawnBfs();
    builder.workers(workers, {
      module: new URL('../../model/colo/model.js', import.meta.url).href,
      export: 'createColoModel',
      options,
    });
    return await builder.spawnParallelBfs();
  } finally {
    progress?.done();
  }
}

/**
 * Runs the check. Exit 0 when every property was proven to hold, 1 when one is violated (findings do
 * not count), 3 (EXIT_INCOMPLETE) when the search was cut short and found no violation: an incomplete
 * search reports a property it did not refute as `not found (search incomplete)`, never as `holds`.
 */
export async function runCheck(io: CliIo, flags: CheckFlags, setExit: (code: number) => void): Promise<void> {
  if (flags.listFixes) {
    const fixes = FIXES.map((f) => ({ name: f.name, description: f.description }));
    const proposed = PROPOSED_FIXES.map((f) => ({ name: f.name, description: f.description }));
    if (flags.json) return io.stdout(json({ fixes, proposed }));
    const width = Math.max(...[...fixes, ...proposed].map((f) => f.name.length));
    const line = (f: { name: string; description: string }) => `${f.name.padEnd(width)}  ${f.description}\n`;
    return io.stdout(
      `${fixes.map(line).join('')}\nproposed by lockstep, off unless --with-fix names them:\n${proposed.map(line).join('')}`,
    );
  }

  const options: ColoModelOptions = modelOptions(flags);
  // --trace-out is a folder, checked before the search so a bad path costs nothing and loses no verdict
  if (flags.traceOut !== undefined) checkTraceOut(flags.traceOut);
  const model = createColoModel(options);
  const report = await search(io, flags, options, model);
  const all = verdicts(model, report);
  const found = all.filter((v) => v.verdict === 'violated');
  const violations = found.filter((v) => !isFinding(v.property));
  const findings = found.filter((v) => isFinding(v.property));
  const unproven = all.some((v) => v.verdict === 'not-found' && !isFinding(v.property));
  const withTrace = found.filter((v) => v.trace !== null);
  // the verdicts are printed first (below); the traces are written after, so a failed write never loses them
  const traceOut = flags.traceOut;
  const traceFiles =
    traceOut === undefined
      ? []
      : withTrace.map((v) => ({
          path: join(traceOut, `${v.property}.json`),
          text: json(traceFile(options, v.property, traceJson(v.trace!))),
        }));
  const saveTraces = async () => {
    for (const file of traceFiles) await writeOutputFile('--trace-out', file.path, file.text);
  };
  if (violations.length > 0) setExit(EXIT_FAILURE);
  else if (unproven) setExit(EXIT_INCOMPLETE);
  const memory = Math.round(process.memoryUsage().rss / 2 ** 20);
  if (flags.json) {
    const entry = (v: ColoVerdict) => ({
      property: v.property,
      kind: propertyKind(v.property),
      trace: v.trace ? traceJson(v.trace) : null,
    });
    io.stdout(
      json({
        states: report.states,
        transitions: report.transitions,
        seconds: Number(report.seconds.toFixed(3)),
        bytesPerState: Number(report.bytesPerState.toFixed(1)),
        complete: report.complete,
        partialOrder: flags.por === true,
        properties: all.map((v) => ({
          property: v.property,
          kind: propertyKind(v.property),
          verdict: v.verdict === 'violated' && isFinding(v.property) ? 'finding' : v.verdict,
          complete: v.complete,
          steps: v.trace ? v.trace.actions.length : null,
        })),
        violations: violations.map(entry),
        findings: findings.map(entry),
        traces: traceFiles.map((f) => f.path),
      }),
    );
    return saveTraces();
  }
  const out: string[] = [];
  for (const v of all)
    out.push(`${v.property.padEnd(36)} ${propertyKind(v.property).padEnd(9)} ${verdictText(v)}`);
  out.push(
    '',
    `${report.states} states, ${report.transitions} transitions, depth ${report.maxDepth}, ${report.seconds.toFixed(1)} s, ${memory} MiB, ${report.bytesPerState.toFixed(1)} bytes/state${report.complete ? '' : ' (search incomplete: a limit or a simulation cut it short)'}`,
  );
  if (flags.por)
    out.push(
      `partial-order reduction: ${report.reducedStates ?? 0} states expanded by an ample set; liveness checked on the full graph`,
    );
  for (const v of withTrace) {
    out.push(
      '',
      `${isFinding(v.property) ? 'finding' : 'violation'}: ${v.property} (${v.trace!.actions.length} steps)`,
    );
    out.push(messageSequenceChart(model, v.trace!));
  }
  if (traceFiles.length > 0) out.push('', `traces: ${traceFiles.map((f) => f.path).join(', ')}`);
  else if (withTrace.length > 0)
    out.push('', 'traces not saved: --trace-out DIR saves each as DIR/PROPERTY.json for lockstep replay');
  io.stdout(paintVerdicts(io, `${out.join('\n')}\n`));
  await saveTraces();
}

/** Adds `lockstep check` to the program. @public */
export function registerCheckCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withModelOptions(
    program
      .command('check')
      .description(
        'model-check the composed COLO system: every yank/failover/crash interleaving within bounds',
      ),
  )
    .option('--mode <mode>', `exploration: ${MODES.join(', ')} (default bfs: shortest traces)`)
    .option('--workers <w>', 'BFS worker threads (default 1)')
    .option('--seed <n>', 'seed for --mode sim (default 1)')
    .option('--max-depth <n>', 'do not explore deeper than this (the search is then incomplete, exit 3)')
    .option('--max-states <n>', 'stop after this many distinct states (incomplete, exit 3)')
    .option('--max-seconds <s>', 'stop after this many seconds (incomplete, exit 3)')
    .option(
      '--por',
      'partial-order reduction for safety, deadlock and the sometimes guards (bfs, one worker); liveness stays on the full graph',
    )
    .option('--progress', 'print progress on stderr every 2 s (default: only when stderr is a terminal)')
    .option(
      '--trace-out <dir>',
      'save each counterexample in this folder as PROPERTY.json, for lockstep replay (default: not saved)',
    )
    .option('--list-fixes', 'list the fixes that can be switched off')
    .option('--json', 'print one JSON object')
    .action(async (flags: CheckFlags) => runCheck(io, flags, setExit));
}
