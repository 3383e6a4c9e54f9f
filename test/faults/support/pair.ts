import { join } from 'node:path';
import { type Launcher, type LockstepProcess, startNode, withTimeout } from './lockstep-process.js';

/** What x-lockstep-status says, as far as the fault tests read it. */
export type Status = {
  status: string;
  colo: string | null;
  vm: string;
  checkpoints: number;
  listening?: { port: number } | null;
  verified: Array<{ checkpoint: number; ram: boolean; digest: string }>;
  checkpointDigests?: string[];
  refusals?: { count: number; byCode: Record<string, number>; last: string | null };
  peer?: { silentSince: number | null; reports: number };
  channels?: { count: number; tls: number } | null;
};

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };

/** x-lockstep-status of a node process. */
export const status = async (node: LockstepProcess) =>
  (await node.qmp.execute('x-lockstep-status')) as Status;

/** Polls x-lockstep-status until `ready`, or rejects with a named HangError after `ms`. */
export async function until(
  node: LockstepProcess,
  what: string,
  ready: (s: Status) => boolean,
  ms = 20_000,
): Promise<Status> {
  return withTimeout(
    (async () => {
      for (;;) {
        const s = await status(node);
        if (ready(s)) return s;
        await new Promise((r) => setTimeout(r, 20));
      }
    })(),
    ms,
    what,
  );
}

/** How a pair of node processes is started. */
export interface PairOptions {
  readonly ram?: string;
  readonly multifd?: number;
  /** Flags both nodes get (e.g. --peer-timeout). */
  readonly extra?: readonly string[];
  /** Flags only the secondary gets (e.g. --tls-creds DIR --tls-authz DN). */
  readonly secondaryExtra?: readonly string[];
  /** Flags only the primary gets (e.g. --tls-creds DIR --tls-hostname NAME). */
  readonly primaryExtra?: readonly string[];
  /** Wraps each node's command (e.g. `ip netns exec NS`), secondary first. */
  readonly wrap?: readonly [readonly string[], readonly string[]];
  /** The address the secondary listens on and the primary connects to. */
  readonly host?: string;
  /** How the node processes run lockstep (default: from the sources). */
  readonly launcher?: Launcher;
}

/** The options with their defaults, and the multifd flags both nodes get. */
function pairSettings({
  ram = '16M',
  multifd = 0,
  extra = [],
  secondaryExtra = [],
  primaryExtra = [],
  wrap = [[], []],
  host = '127.0.0.1',
  launcher = 'sources',
}: PairOptions) {
  return {
    ram,
    extra,
    secondaryExtra,
    primaryExtra,
    wrap,
    host,
    launcher,
    channels: multifd > 0 ? ['--multifd', String(multifd)] : [],
  };
}

/** A secondary listening for its migration (migrate-incoming done), and its port. */
export async function startSecondary(
  dir: string,
  nodes: LockstepProcess[],
  options: PairOptions = {},
): Promise<{ secondary: LockstepProcess; port: number }> {
  const { ram, extra, secondaryExtra, wrap, host, launcher, channels } = pairSettings(options);
  const secondary = await startNode(
    [
      'secondary',
      '--listen',
      `${host}:0`,
      '--qmp',
      join(dir, 's.sock'),
      '--ram',
      ram,
      '--log',
      join(dir, 's.jsonl'),
      ...channels,
      ...extra,
      ...secondaryExtra,
    ],
    join(dir, 's.sock'),
    wrap[0],
    launcher,
  );
  nodes.push(secondary);
  await secondary.qmp.execute('migrate-set-capabilities', X_COLO);
  await secondary.qmp.execute('migrate-incoming', { uri: `tcp:${host}:0` });
  const { listening } = await until(secondary, 'the migration listener', (s) => Boolean(s.listening));
  return { secondary, port: listening!.port };
}

/**
 * A secondary and a primary as OS processes, in COLO with at least one checkpoint done. Each started
 * process is pushed on `nodes` as soon as it runs, so the caller can kill them whatever happens.
 */
export async function startPair(
  dir: string,
  nodes: LockstepProcess[],
  options: PairOptions = {},
): Promise<{ secondary: LockstepProcess; primary: LockstepProcess; port: number }> {
  const { ram, extra, primaryExtra, wrap, host, launcher, channels } = pairSettings(options);
  // both processes start at once (the primary needs the port only at migrate): one start-up less per pair
  const starting = startNode(
    [
      'primary',
      '--qmp',
      join(dir, 'p.sock'),
      '--ram',
      ram,
      '--log',
      join(dir, 'p.jsonl'),
      '--checkpoint-delay',
      '100',
      ...channels,
      ...extra,
      ...primaryExtra,
    ],
    join(dir, 'p.sock'),
    wrap[1],
    launcher,
  );
  // settled both ways, so that a started primary is on `nodes` (to be killed) even if the secondary failed
  const [listening, started] = await Promise.allSettled([startSecondary(dir, nodes, options), starting]);
  if (started.status === 'fulfilled') nodes.push(started.value);
  if (listening.status === 'rejected') throw listening.reason;
  if (started.status === 'rejected') throw started.reason;
  const { secondary, port } = listening.value;
  const primary = started.value;
  await migrate(primary, host, port);
  return { secondary, primary, port };
}

/** x-colo, cont and migrate on a primary, until it is in COLO with a checkpoint done. */
export async function migrate(primary: LockstepProcess, host: string, port: number): Promise<void> {
  await primary.qmp.execute('migrate-set-capabilities', X_COLO);
  await primary.qmp.execute('cont');
  await primary.qmp.execute('migrate', { uri: `tcp:${host}:${port}` });
  await until(primary, 'colo', (s) => {
    // a migration that failed says so at once: it is not a slow start-up
    if (s.status === 'failed') throw new Error(`the primary's migration failed: ${JSON.stringify(s)}`);
    return s.status === 'colo' && s.colo !== null && s.checkpoints >= 1;
  });
}
