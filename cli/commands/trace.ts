import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { QmpClient } from '../../conformance/qmp/index.js';
import {
  type AttachStart,
  attachTrace,
  checkTrace,
  inferSide,
  splitLog,
  type TraceAttachment,
  type TraceItem,
  TraceReadError,
  type TraceReport,
  type TraceSide,
} from '../../conformance/trace/index.js';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../../machines/index.js';
import { EXIT_FAILURE, parseChoice, UsageError } from '../errors.js';
import { type CliIo, checkInputFile, errnoWords, paintVerdicts } from '../io.js';
import { parseQmpWhere } from './node-options.js';

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
  const name: ProfileName =
    flags.profile === undefined ? 'qemu-7.2' : parseChoice('profile', flags.profile, PROFILE_NAMES);
  return { profile: PROFILES[name] };
}

/** Reads a log; a missing or unreadable file is bad input (exit 2). */
async function readLog(path: string): Promise<string> {
  checkInputFile('QMP log', path);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`QMP log ${path}: cannot read it (${errnoWords(error)})`);
  }
}

/** Where the live check starts: what the QEMU answered, and the side it is judged as. */
function describeStart(qmp: string, start: AttachStart): string {
  const run = start.running ? 'running' : 'paused';
  const caps = start.capabilities.filter((c) => c.state).map((c) => c.capability);
  const from =
    start.sideFrom === 'option' ? '--side' : start.sideFrom === 'default' ? 'by default' : start.sideFrom;
  return `${qmp}: migration status ${start.status}, ${run}, COLO mode ${start.coloMode}, ${start.capabilitiesReported ? `capabilities on: ${caps.join(' ') || 'none'}` : 'capabilities not reported'}; judged as ${start.side} (${from})`;
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

function printReport(io: CliIo, file: string, report: TraceReport, sideFrom: string): void {
  const lines = [
    ...report.statuses.map((status) => describe({ type: 'status', status })),
    ...report.violations.map((violation) => describe({ type: 'violation', violation })),
    ...report.findings.map((finding) => describe({ type: 'finding', finding })),
    ...report.warnings.map((warning) => describe({ type: 'warning', warning })),
  ];
  const verdict = `${file}: ${report.verdict} to ${report.profile} (${report.side}, from ${sideFrom}); ${report.violations.length} violations, ${report.findings.length} findings, ${report.warnings.length} warnings`;
  io.stdout(paintVerdicts(io, `${[...lines, verdict].join('\n')}\n`));
}

/** `lockstep trace check FILE`: exit 0 conforms, 1 violates, 2 unreadable. @public */
export async function runTraceCheck(
  io: CliIo,
  file: string,
  flags: CheckFlags,
  setExit: (code: number) => void,
): Promise<void> {
  const { profile } = options(flags);
  const log = await readLog(file);
  const peer = flags.peer === undefined ? undefined : await readLog(flags.peer);
  // without --side, the log tells (migrate, migrate-incoming, a COLO mode); else it is the source's
  const inferred = flags.side === undefined ? inferSide(splitLog(log)) : null;
  const side =
    flags.side === undefined ? (inferred?.side ?? 'source') : parseChoice('side', flags.side, SIDES);
  const sideFrom =
    flags.side !== undefined
      ? '--side'
      : inferred
        ? `line ${inferred.line}: ${inferred.because}`
        : 'nothing in the log tells; the default';
  let report: TraceReport;
  try {
    report = checkTrace(log, { side, profile, ...(peer === undefined ? {} : { peer }) });
  } catch (error) {
    if (error instanceof TraceReadError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  if (flags.json) {
    const { verdict, violations, findings, statuses, warnings } = report;
    io.stdout(
      json({ verdict, violations, findings, statuses, warnings, side, sideFrom, profile: report.profile }),
    );
  } else printReport(io, file, report, sideFrom);
  if (report.verdict === 'violates') setExit(EXIT_FAILURE);
}

/** `lockstep trace attach --qmp PATH`: live, until QMP closes, `--duration` ends or SIGINT. @public */
export async function runTraceAttach(
  io: CliIo,
  flags: AttachFlags,
  setExit: (code: number) => void,
): Promise<void> {
  const profile = options(flags).profile;
  const side = flags.side === undefined ? undefined : parseChoice('side', flags.side, SIDES);
  const where = parseQmpWhere(flags.qmp, 'connect');
  const target = 'path' in where ? where : { host: where.host ?? '127.0.0.1', port: where.port };
  const durationMs = flags.duration === undefined ? undefined : Number(flags.duration) * 1000;
  if (durationMs !== undefined && !(durationMs > 0))
    throw new UsageError(`--duration takes a number of seconds, got "${flags.duration}"`);
  let client: QmpClient;
  try {
    client = await QmpClient.connect(target);
  } catch (error) {
    throw new UsageError(`--qmp ${flags.qmp}: cannot attach (${errnoWords(error)})`);
  }
  // --json: one object per line (the start, each item, the report), so a reader can follow it live
  const print = (value: { type: string }, text: string) =>
    io.stdout(flags.json ? `${JSON.stringify(value)}\n` : paintVerdicts(io, `${text}\n`));
  let live: TraceAttachment;
  try {
    live = await attachTrace(client, {
      profile,
      ...(side === undefined ? {} : { side }),
      onItem: (item) => print(item, describe(item)),
    });
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  print({ type: 'start', ...live.start }, describeStart(flags.qmp, live.start));
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
  print({ type: 'report', ...report }, summary);
  if (report.verdict === 'violates') setExit(EXIT_FAILURE);
}

/** Adds `lockstep trace check` and `lockstep trace attach`. @public */
export function registerTraceCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const trace = program.command('trace').description("check QEMU's QMP traffic against the machines");
  trace
    .command('check')
    .description('replay one QMP log (one wire object per line) through the machines of a profile')
    .argument('<file>', 'the QMP log: greeting, commands, replies and events, as on the wire')
    .option(
      '--side <side>',
      `which QEMU the log comes from: ${SIDES.join(', ')} (default: what the log tells, else source)`,
    )
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default: qemu-7.2)`)
    .option('--peer <file>', "the other side's log, to detect split brain")
    .option('--json', 'print {"verdict","violations","findings","statuses"} as JSON')
    .action(async (file, flags: CheckFlags) => runTraceCheck(io, file, flags, setExit));
  trace
    .command('attach')
    .description('check a running QEMU or lockstep node live over its QMP socket')
    .requiredOption('--qmp <where>', 'the QMP monitor: a unix socket PATH or HOST:PORT')
    .option(
      '--side <side>',
      `${SIDES.join(', ')} (default: what the QEMU reports, its COLO mode or inmigrate; else source)`,
    )
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default: qemu-7.2)`)
    .option('--duration <seconds>', 'stop after this long (default: until QMP closes or Ctrl-C)')
    .option('--json', 'one JSON object per line: the start, each status, violation and finding, the report')
    .action(async (flags: AttachFlags) => runTraceAttach(io, flags, setExit));
}
