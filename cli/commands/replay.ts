import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { checkTraceInModel, type ReplayReport, readTrace, replayTrace } from '../../replay/index.js';
import { LockstepError } from '../../runtime/errors.js';
import { EXIT_FAILURE, UsageError } from '../errors.js';
import { type CliIo, checkInputFile, checkOutputDir, paintVerdicts } from '../io.js';

interface ReplayFlags {
  readonly logDir?: string;
  readonly json?: true;
}

/** The report as an operator reads it. */
function describe(report: ReplayReport): string {
  const out = [`replay ${report.trace}: ${report.property}, ${report.steps} steps`];
  const d = report.divergence;
  if (d)
    out.push(
      `DIVERGED at step ${d.step} (${d.action})${d.side ? `: ${d.side} ${d.field}` : ''}`,
      `  expected ${d.expected}`,
      `  actual   ${d.actual}`,
    );
  else
    out.push(
      `${report.replayed}/${report.steps} steps replayed; after each one both nodes equal the model's`,
    );
  const verdict = report.sameOutcome ? 'same as the trace' : `the trace predicts ${report.expectedOutcome}`;
  out.push(`runtime outcome: ${report.runtimeOutcome} (${verdict})`, `  ${report.detail}`);
  out.push(`logs: ${report.logs.join(', ')}`);
  return `${out.join('\n')}\n`;
}

/**
 * Replays a saved counterexample on the runtime: exit 0 when every step matched the model and the runtime
 * shows the trace's outcome, 1 when not, 2 when the trace file is unreadable or malformed.
 */
export async function runReplay(
  io: CliIo,
  file: string,
  flags: ReplayFlags,
  setExit: (code: number) => void,
): Promise<void> {
  checkInputFile('counterexample trace', file);
  if (flags.logDir !== undefined) checkOutputDir('--log-dir', flags.logDir);
  let report: ReplayReport;
  try {
    const trace = await readTrace(file);
    checkTraceInModel(trace);
    // nothing is written into the current folder: without --log-dir the logs go to a fresh temp folder,
    // made only once the trace is known good (the report's `logs` says where)
    const logDir =
      flags.logDir ??
      (await mkdtemp(join(tmpdir(), `lockstep-replay-${basename(file).replace(/\.json$/, '')}-`)));
    report = await replayTrace(trace, { logDir });
  } catch (error) {
    if (
      error instanceof LockstepError &&
      (error.code === 'trace-unreadable' || error.code === 'trace-malformed')
    )
      throw new UsageError(error.message);
    throw error;
  }
  if (!report.matched || !report.sameOutcome) setExit(EXIT_FAILURE);
  io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : paintVerdicts(io, describe(report)));
}

/** Adds `lockstep replay` to the program. @public */
export function registerReplayCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description(
      'run a counterexample saved by lockstep check on two runtime nodes over real sockets, forcing its interleaving; report whether the runtime shows the same outcome',
    )
    .argument('<trace>', 'the trace JSON (.lockstep/traces/PROPERTY.json)')
    .option(
      '--log-dir <dir>',
      "where the nodes' event logs go (default: a fresh folder in the OS temp folder, printed)",
    )
    .option('--json', 'print the report as one JSON object')
    .action(async (file: string, flags: ReplayFlags) => runReplay(io, file, flags, setExit));
}
