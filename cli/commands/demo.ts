import type { Command } from '@commander-js/extra-typings';
import { PROFILE_NAMES } from '../../machines/index.js';
import { type DemoOptions, type DemoResult, runDemo } from '../../runtime/demo/run-demo.js';
import { parseRamSize } from '../../runtime/guest/index.js';
import { runDemoWithView } from '../../view/embed.js';
import { EXIT_FAILURE, parseChoice } from '../errors.js';
import { type CliIo, paintVerdicts, prepareOutputDir } from '../io.js';
import { parseCount, parseMultifd, parseProfile, parseRam } from './node-options.js';
import { parsePort, untilSignal } from './view.js';

const FAILOVER_SIDES = ['primary', 'secondary', 'none'] as const;

interface DemoFlags {
  readonly ram?: string;
  readonly multifd?: string;
  readonly checkpoints?: string;
  readonly failover?: string;
  readonly profile?: string;
  readonly checkpointDelay?: string;
  readonly json?: true;
  readonly logDir?: string;
  readonly view?: true;
  readonly viewPort?: string;
  readonly viewLinger?: true;
  readonly tls?: true;
}

/** How long `demo --view` keeps serving after the demo ends, without --view-linger. */
const VIEW_LINGER_MS = 5000;

/** The demo with `lockstep view` beside it: prints the URL, serves until the end plus a few seconds (or Ctrl-C). */
async function demoWithView(io: CliIo, flags: DemoFlags, demo: DemoOptions): Promise<DemoResult> {
  const port = parsePort(flags.viewPort);
  const { result, view } = await runDemoWithView(demo, {
    port,
    onReady: (v) => io.stderr(`lockstep view: ${v.url}\n`),
  });
  if (flags.viewLinger) {
    io.stderr(`lockstep view: still serving ${view.url}; Ctrl-C stops\n`);
    await untilSignal();
  } else await new Promise((resolve) => setTimeout(resolve, VIEW_LINGER_MS));
  await view.close();
  return result;
}

/** Progress lines: one live line on a terminal, plain lines when piped. */
function progress(io: CliIo): { say: (line: string) => void; done: () => void } {
  let live = false;
  return {
    say: (line) => {
      if (io.isTTY) {
        io.stderr(`\r\x1b[K${line}`);
        live = true;
      } else io.stderr(`${line}\n`);
    },
    done: () => {
      if (live) io.stderr('\r\x1b[K');
    },
  };
}

/** Nearest-rank percentile of `values` (sorted here). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const MIB = 2 ** 20;
/** Bytes as MiB with two decimals: checkpoints move from kilobytes to hundreds of MiB. */
const mib = (bytes: number): string => (bytes / MIB).toFixed(2);

/**
 * The human report, for a reader who has never seen COLO: what ran, the precopy, a checkpoint table with
 * units, then what each figure means and whether it is good, the failover, the digest check, and where the
 * logs are.
 */
export function formatDemo(result: DemoResult): string {
  const rows = result.checkpoints.map((c, i) => [
    String(i + 1),
    c.pauseMs.toFixed(1),
    String(c.dirtyPages),
    mib(c.bytes),
  ]);
  const header = ['checkpoint', 'pause (ms)', 'dirty pages', 'sent (MiB)'];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)));
  const line = (cells: readonly string[]) =>
    `${cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ')}\n`;
  const pauses = result.checkpoints.map((c) => c.pauseMs);
  const mean = pauses.reduce((a, b) => a + b, 0) / Math.max(1, pauses.length);
  const channel = result.multifd
    ? `pages over ${result.multifd} multifd channels`
    : 'pages on the main channel';
  const guestBytes = parseRamSize(result.ram);
  let text = `${result.profile}, ${guestBytes / MIB} MiB guest, ${channel}, a checkpoint every ${result.checkpointDelayMs} ms\n\n`;
  const tls = result.migrationTls;
  if (tls)
    text += `migration TLS: on, ${tls.encrypted} of ${tls.channels} channels (x509 certificates made for this run, each side verifies the other's; the secondary accepts only the primary's name)\n\n`;
  text += `precopy: ${result.precopyMs.toFixed(0)} ms from migrate until both sides were in COLO (the whole guest RAM copied once while the guest ran)\n\n`;
  text += line(header) + rows.map(line).join('');
  text += `\npause: mean ${mean.toFixed(1)} ms, p99 ${percentile(pauses, 99).toFixed(1)} ms\n`;
  text +=
    "  how long the primary's guest stood still at each checkpoint while its dirty pages and device state\n";
  text += '  went to the secondary: the price COLO charges for fault tolerance, so lower is better.\n';
  text +=
    '  dirty pages: 4 KiB pages the guest wrote since the checkpoint before; sent: the bytes that checkpoint\n';
  text +=
    '  put on the wire. More writes between checkpoints mean more pages, more bytes and a longer pause.\n';
  const f = result.failover;
  if (f === null) text += 'failover: none (both sides left running until the end)\n';
  else {
    const killed = f.side === 'secondary' ? 'primary' : 'secondary';
    text += `failover: the ${killed} was killed; the ${f.side} took over, resuming from checkpoint ${f.resumedFromCheckpoint}\n`;
    text += f.digestMatch
      ? `digest check: match - the survivor's RAM is exactly the image of checkpoint ${f.resumedFromCheckpoint}, as COLO promises\n`
      : `digest check: MISMATCH - the survivor's RAM is not the image of checkpoint ${f.resumedFromCheckpoint}: a bug (exit 1)\n`;
  }
  text += `logs: ${result.logs.primary}, ${result.logs.secondary}\n`;
  text += "  each node's event log; lockstep log replay FILE rebuilds its states from it\n";
  return text;
}

/** Adds `lockstep demo` to the program. @public */
export function registerDemoCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description(
      'run a primary and a secondary over loopback: precopy into COLO, K checkpoints under load, then kill one side and fail over to the other',
    )
    .option('--ram <size>', 'guest RAM, as QEMU -m (default: 256M)')
    .option('--multifd <n>', 'multifd channels; 0 sends pages on the main channel (default: 0)')
    .option('--checkpoints <k>', 'checkpoints before the failover (default: 5)')
    .option(
      '--failover <side>',
      `the side that takes over: ${FAILOVER_SIDES.join(', ')} (default: secondary, the primary is killed)`,
    )
    .option('--profile <profile>', `QEMU version: ${PROFILE_NAMES.join(', ')} (default: qemu-11.0)`)
    .option('--checkpoint-delay <ms>', 'x-checkpoint-delay in milliseconds (default: 600)')
    .option('--json', 'print one JSON object on stdout')
    .option('--log-dir <dir>', 'keep the two event logs here (default: a new temporary folder)')
    .option('--view', 'serve lockstep view (127.0.0.1) beside the demo and print its address')
    .option('--view-port <port>', "the view's port (default: any free port)")
    .option('--view-linger', 'keep serving the view after the demo until Ctrl-C')
    .option(
      '--tls',
      "migration TLS with mutual authentication, as QEMU's tls-creds-x509 + tls-authz: certificates made for the run",
    )
    .action(async (flags: DemoFlags) => {
      const profile = parseProfile(flags.profile);
      const ram = parseRam(flags.ram);
      const multifd = parseMultifd(flags.multifd);
      const checkpoints = parseCount('--checkpoints', flags.checkpoints, 5, 1);
      const failover = parseChoice('failover side', flags.failover ?? 'secondary', FAILOVER_SIDES);
      const delay = parseCount('--checkpoint-delay', flags.checkpointDelay, 600);
      if (flags.logDir !== undefined) await prepareOutputDir('--log-dir', flags.logDir);
      const live = flags.json && !io.isTTY ? undefined : progress(io);
      let result: DemoResult;
      try {
        const demo: DemoOptions = {
          profile,
          ram,
          multifd,
          checkpoints,
          failover,
          checkpointDelayMs: delay,
          ...(flags.logDir === undefined ? {} : { logDir: flags.logDir }),
          ...(live ? { progress: live.say } : {}),
          ...(flags.tls ? { tls: true } : {}),
        };
        result = flags.view ? await demoWithView(io, flags, demo) : await runDemo(demo);
      } finally {
        live?.done();
      }
      io.stdout(flags.json ? `${JSON.stringify(result)}\n` : paintVerdicts(io, formatDemo(result)));
      // no failover: nothing to check; otherwise the digests decide
      if (result.failover !== null && !result.failover.digestMatch) setExit(EXIT_FAILURE);
    });
}
