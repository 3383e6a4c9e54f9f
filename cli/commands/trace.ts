import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { QmpClient } from '../../conformance/qmp/index.js';
import {
  attachTrace,
  checkTrace,
  type TraceItem,
  TraceReadError,
  type TraceReport,
  type TraceSide,
} from '../../conformance/trace/index.js';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../../machines/index.js';
import { EXIT_FAILURE, parseChoice, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

const SIDES: readonly TraceSide[] = ['source', 'incoming'];

interface CommonFlags {
  readonly side?: string;
  readonly profile?: string;
}

interface CheckFlags extends CommonFlags {
  readonly peer?: string;
  readonly json?: true;
}

interface AttachFlags extends CommonFlags {
  readonly qmp: string;
  readonly json?: true;
  readonly duration?: string;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function options(flags: CommonFlags) {
  const side = flags.side === undefined ? 'source' : parseChoice('side', flags.side, SIDES);
  const name: ProfileName =
    flags.profile === undefined ? 'qemu-7.2' : parseChoice('profile', flags.profile, PROFILE_NAMES);
  return { side, profile: PROFILES[name] };
}

/** Reads a log; a missing or unreadable file is bad input (exit 2). */
async function readLog(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${path} (${code})`);
  }
}

/** One line per item, as an operator reads them. */
function describe(item: TraceItem): string {
  switch (item.type) {
    case 'status': {
      const s = item.status;
      const how = s.allowed ? (s.event ?? 'allowed') : 'NOT ALLOWED';
      return `line ${s.line}: status ${s.from} -> ${s.to} (${how}${s.note ? `; ${s.note}` : ''})`;
    }
    case 'violation': {
      const v = item.violation;
      return `line ${v.line}: VIOLATION ${v.kind} ${v.from} -> ${v.to}: ${v.why}`;
    }
    case 'finding': {
      const f = item.finding;
      return `line ${f.line}: finding ${f.kind}${f.peerLine ? ` (peer line ${f.peerLine})` : ''}: ${f.detail}`;
    }
    case 'warning':
      return `line ${item.warning.line}: warning ${item.warning.code}: ${item.warning.message}`;
  }
}

function printReport(io: CliIo, file: string, report: TraceReport): void {
  const lines = [
    ...report.statuses.map((status) => describe({ type: 'status', status })),
    ...report.violations.map((violation) => describe({ type: 'violation', violation })),
    ...report.findings.map((finding) => describe({ type: 'finding', finding })),
    ...report.warnings.map((warning) => describe({ type: 'warning', warning })),
  ];
  const verdict = `${file}: ${report.verdict} to ${report.profile} (${report.side}); ${report.violations.length} violations, ${report.findings.length} findings, ${report.warnings.length} warnings`;
  io.stdout(`${[...lines, verdict].join('\n')}\n`);
}

/** `lockstep trace check FILE`: exit 0 conforms, 1 violates, 2 unreadable. @public */
export async function runTraceCheck(
  io: CliIo,
  file: string,
  flags: CheckFlags,
  setExit: (code: number) => void,
): Promise<void> {
  const opts = options(flags);
  const log = await readLog(file);
  const peer = flags.peer === undefined ? undefined : await readLog(flags.peer);
  let report: TraceReport;
  try {
    report = checkTrace(log, { ...opts, ...(peer === undefined ? {} : { peer }) });
  } catch (error) {
    if (error instanceof TraceReadError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  if (flags.json) {
    const { verdict, violations, findings, statuses, warnings, side, profile } = report;
    io.stdout(json({ verdict, violations, findings, statuses, warnings, side, profile }));
  } else printReport(io, file, report);
  if (report.verdict === 'violates') setExit(EXIT_FAILURE);
}

/** `lockstep trace attach --qmp PATH`: live, until QMP closes, `--duration` ends or SIGINT. @public */
export async function runTraceAttach(
  io: CliIo,
  flags: AttachFlags,
  setExit: (code: number) => void,
): Promise<void> {
  const opts = options(flags);
  const durationMs = flags.duration === undefined ? undefined : Number(flags.duration) * 1000;
  if (durationMs !== undefined && !(durationMs > 0))
    throw new UsageError(`--duration takes a number of seconds, got "${flags.duration}"`);
  let client: QmpClient;
  try {
    client = await QmpClient.connect({ path: flags.qmp });
  } catch (error) {
    throw new UsageError(`cannot attach to ${flags.qmp}: ${error instanceof Error ? error.message : error}`);
  }
  const live = attachTrace(client, {
    ...opts,
    onItem: (item) => {
      if (item.type === 'status' && item.status.allowed) return io.stdout(`${describe(item)}\n`);
      io.stdout(flags.json ? `${JSON.stringify(item)}\n` : `${describe(item)}\n`);
    },
  });
  let stopTimer = () => {};
  const stopped = new Promise<void>((resolve) => {
    const timer = durationMs === undefined ? undefined : setTimeout(resolve, durationMs);
    const interrupt = () => resolve();
    process.once('SIGINT', interrupt);
    void client.closed.then(() => resolve());
    stopTimer = () => {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', interrupt);
    };
  });
  await stopped;
  stopTimer();
  const report = live.stop();
  await client.close().catch(() => {});
  const summary = `${flags.qmp}: ${report.verdict} to ${report.profile} (${report.side}); ${report.violations.length} violations, ${report.findings.length} findings`;
  io.stdout(
    flags.json
      ? json({
          verdict: report.verdict,
          violations: report.violations,
          findings: report.findings,
          statuses: report.statuses,
        })
      : `${summary}\n`,
  );
  if (report.verdict === 'violates') setExit(EXIT_FAILURE);
}

/** Adds `lockstep trace check` and `lockstep trace attach`. @public */
export function registerTraceCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const trace = program.command('trace').description("check QEMU's QMP traffic against the machines");
  trace
    .command('check')
    .description('replay one QMP log (one wire object per line) through the machines of a profile')
    .argument('<file>', 'the QMP log: greeting, commands, replies and events, as on the wire')
    .option('--side <side>', `which QEMU the log comes from: ${SIDES.join(', ')} (default: source)`)
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default: qemu-7.2)`)
    .option('--peer <file>', "the other side's log, to detect split brain")
    .option('--json', 'print {"verdict","violations","findings","statuses"} as JSON')
    .action(async (file, flags: CheckFlags) => runTraceCheck(io, file, flags, setExit));
  trace
    .command('attach')
    .description('check a running QEMU or lockstep node live over its QMP socket')
    .requiredOption('--qmp <path>', 'the QMP unix socket')
    .option('--side <side>', `${SIDES.join(', ')} (default: source)`)
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default: qemu-7.2)`)
    .option('--duration <seconds>', 'stop after this long (default: until QMP closes or Ctrl-C)')
    .option('--json', 'print each violation and finding, and the final report, as JSON')
    .action(async (flags: AttachFlags) => runTraceAttach(io, flags, setExit));
}
