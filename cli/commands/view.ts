import type { Command } from '@commander-js/extra-typings';
import { PROFILE_NAMES } from '../../machines/index.js';
import { followQmp, LiveHub } from '../../view/live.js';
import { loadPlayback, type Playback } from '../../view/playback.js';
import { startView } from '../../view/server.js';
import { parseChoice, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseCount } from './node-options.js';

/** The options `lockstep view` accepts, as commander parses them. */
export interface ViewFlags {
  readonly port?: string;
  readonly qmp?: string[];
  readonly trace?: string;
  readonly profile?: string;
  readonly json?: true;
}

/** Resolves on Ctrl-C or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** `--port`: a TCP port, 0 for any free one. */
export function parsePort(value: string | undefined): number {
  const port = parseCount('--port', value, 0);
  if (port > 65535) throw new UsageError(`--port must be from 0 to 65535, got "${value}"`);
  return port;
}

/**
 * `lockstep view`: serves the page on 127.0.0.1 until `stop` resolves (Ctrl-C by default), following the
 * QMP sockets given and playing the trace file given.
 */
export async function runView(
  io: CliIo,
  flags: ViewFlags,
  stop: Promise<void> = untilSignal(),
): Promise<void> {
  const port = parsePort(flags.port);
  const profile =
    flags.profile === undefined ? undefined : parseChoice('profile', flags.profile, PROFILE_NAMES);
  let playback: Playback | undefined;
  if (flags.trace !== undefined) {
    try {
      playback = await loadPlayback(flags.trace);
    } catch (error) {
      throw new UsageError(`--trace: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const hub = new LiveHub(profile ?? playback?.profile ?? 'qemu-11.0');
  const disconnects: Array<() => Promise<void>> = [];
  const qmp = flags.qmp ?? [];
  try {
    for (const [i, path] of qmp.entries()) disconnects.push(await followQmp(hub, path, i));
    const view = await startView({
      hub,
      port,
      live: qmp.length > 0,
      ...(playback ? { playback } : {}),
      ...(profile ? { profile } : {}),
    });
    const what = [
      ...(qmp.length > 0 ? [`following ${qmp.join(', ')}`] : []),
      ...(playback ? [`playing ${playback.file} (${playback.steps.length} steps)`] : []),
    ];
    if (flags.json) io.stdout(`${JSON.stringify({ url: view.url, qmp, trace: playback?.file ?? null })}\n`);
    else io.stdout(`lockstep view: ${view.url}${what.length ? ` (${what.join('; ')})` : ''}; Ctrl-C stops\n`);
    await stop;
    await view.close();
  } finally {
    for (const disconnect of disconnects) await disconnect().catch(() => {});
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `lockstep view` to the program. @public */
export function registerViewCommand(program: Command, io: CliIo): void {
  program
    .command('view')
    .description(
      'a local web page (127.0.0.1): every machine chart with live states, the checkpoint timeline, and traces played step by step',
    )
    .option('--port <port>', 'TCP port on 127.0.0.1 (default: any free port)')
    .option(
      '--qmp <path>',
      'follow a running node over its QMP socket (repeatable: primary, then secondary)',
      collect,
    )
    .option('--trace <file>', 'play a lockstep check counterexample (JSON) or a QMP log (JSON lines)')
    .option('--profile <profile>', `charts for this QEMU version: ${PROFILE_NAMES.join(', ')}`)
    .option('--json', 'print the address as one JSON object')
    .action(async (flags: ViewFlags) => runView(io, flags));
}
