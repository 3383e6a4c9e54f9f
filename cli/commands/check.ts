import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { NodeState } from '../../machines/index.js';
import {
  COLO_PROPERTIES,
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  checker,
  createColoModel,
  FIXES,
  messageSequenceChart,
  nodeOf,
  PROPOSED_FIXES,
  type Report,
  type Trace,
} from '../../model/index.js';
import { EXIT_FAILURE, parseChoice, UsageError } from '../errors.js';
import { type CliIo, checkOutputDir, writeOutputFile } from '../io.js';
import { integer, type ModelFlags, modelOptions, withModelOptions } from './model-options.js';

interface CheckFlags extends ModelFlags {
  readonly mode?: string;
  readonly workers?: string;
  readonly seed?: string;
  readonly maxDepth?: string;
  readonly traceOut?: string;
  readonly listFixes?: true;
  readonly json?: true;
}

const MODES = ['bfs', 'dfs', 'sim'] as const;
const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const kindOf = (property: string): 'safety' | 'deadlock' | 'liveness' =>
  property === 'deadlock' ? 'deadlock' : (COLO_PROPERTIES.find((p) => p.name === property)?.kind ?? 'safety');
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

/** `--trace-out DIR`: a folder (created when missing); a name ending in .json is a file name by mistake. */
function checkTraceOut(dir: string): void {
  if (dir.endsWith('.json'))
    throw new UsageError(
      `--trace-out ${dir}: give a folder; each counterexample is saved in it as PROPERTY.json`,
    );
  checkOutputDir('--trace-out', dir);
}

/** Runs the check: exit 0 when every property holds, 1 when one is violated (findings do not count). */
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
  const mode = flags.mode === undefined ? 'bfs' : parseChoice('mode', flags.mode, MODES);
  const workers = integer('workers', flags.workers, 1, 1, 64);
  const seed = integer('seed', flags.seed, 1, 0, 2 ** 31 - 1);
  // --trace-out is a folder, checked before the search so a bad path costs nothing and loses no verdict
  if (flags.traceOut !== undefined) checkTraceOut(flags.traceOut);
  const model = createColoModel(options);
  const builder = checker(model);
  if (flags.maxDepth !== undefined)
    builder.targetMaxDepth(integer('max-depth', flags.maxDepth, 0, 1, 100000));
  if (io.isTTY && !flags.json)
    builder.onProgress((p) =>
      io.stderr(
        `\r${p.states} states, depth ${p.depth}, queue ${p.queue}, ${Math.round(p.statesPerSecond)} states/s `,
      ),
    );
  let report: Report<ColoState, ColoAction>;
  if (mode === 'dfs') report = builder.spawnDfs();
  else if (mode === 'sim') report = builder.spawnSimulation(seed);
  else if (workers > 1) {
    builder.workers(workers, {
      module: new URL('../../model/colo/model.js', import.meta.url).href,
      export: 'createColoModel',
      options,
    });
    report = await builder.spawnParallelBfs();
  } else report = builder.spawnBfs();
  if (io.isTTY && !flags.json) io.stderr('\r\x1b[K');

  const found = report.violations.filter((v) => v.trace !== null || v.kind !== 'sometimes');
  const violations = found.filter((v) => !isFinding(v.property));
  const findings = found.filter((v) => isFinding(v.property));
  // the verdicts are printed first (below); the traces are written after, so a failed write never loses them
  const traceFiles = found.flatMap((v) =>
    v.trace && flags.traceOut !== undefined
      ? [
          {
            path: join(flags.traceOut, `${v.property}.json`),
            text: json({
              options,
              property: v.property,
              kind: kindOf(v.property),
              steps: traceJson(v.trace),
            }),
          },
        ]
      : [],
  );
  const saveTraces = async () => {
    for (const file of traceFiles) await writeOutputFile('--trace-out', file.path, file.text);
  };
  if (violations.length > 0) setExit(EXIT_FAILURE);
  const memory = Math.round(process.memoryUsage().rss / 2 ** 20);
  if (flags.json) {
    const entry = (v: (typeof found)[number]) => ({
      property: v.property,
      kind: kindOf(v.property),
      trace: v.trace ? traceJson(v.trace) : null,
    });
    io.stdout(
      json({
        states: report.states,
        transitions: report.transitions,
        seconds: Number(report.seconds.toFixed(3)),
        bytesPerState: Number(report.bytesPerState.toFixed(1)),
        complete: report.complete,
        violations: violations.map(entry),
        findings: findings.map(entry),
        traces: traceFiles.map((f) => f.path),
      }),
    );
    return saveTraces();
  }
  const out: string[] = [];
  const names = ['deadlock', ...COLO_PROPERTIES.map((p) => p.name)];
  for (const name of names) {
    const hit = found.find((v) => v.property === name);
    const verdict = hit ? (isFinding(name) ? 'FINDING' : 'VIOLATED') : 'holds';
    out.push(`${name.padEnd(36)} ${kindOf(name).padEnd(9)} ${verdict}`);
  }
  out.push(
    '',
    `${report.states} states, ${report.transitions} transitions, depth ${report.maxDepth}, ${report.seconds.toFixed(1)} s, ${memory} MiB, ${report.bytesPerState.toFixed(1)} bytes/state${report.complete ? '' : ' (incomplete)'}`,
  );
  for (const v of found) {
    if (!v.trace) continue;
    out.push(
      '',
      `${isFinding(v.property) ? 'finding' : 'violation'}: ${v.property} (${v.trace.actions.length} steps)`,
    );
    out.push(messageSequenceChart(model, v.trace));
  }
  if (traceFiles.length > 0) out.push('', `traces: ${traceFiles.map((f) => f.path).join(', ')}`);
  else if (found.some((v) => v.trace))
    out.push('', 'traces not saved: --trace-out DIR saves each as DIR/PROPERTY.json for lockstep replay');
  io.stdout(`${out.join('\n')}\n`);
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
    .option('--max-depth <n>', 'do not explore deeper than this')
    .option(
      '--trace-out <dir>',
      'save each counterexample in this folder as PROPERTY.json, for lockstep replay (default: not saved)',
    )
    .option('--list-fixes', 'list the fixes that can be switched off')
    .option('--json', 'print one JSON object')
    .action(async (flags: CheckFlags) => runCheck(io, flags, setExit));
}
