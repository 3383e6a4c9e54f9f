import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog } from '../../../runtime/log/index.js';
import type { LoggedInput } from '../../../runtime/node/index.js';
import { HangError, type LockstepProcess, sigkill, startNode, withTimeout } from './lockstep-process.js';

/** What one fault run found. */
export type KillOutcome = { verdict: 'ok' | 'failure' | 'hang'; detail: string; checkpoints: number };

type Status = {
  status: string;
  colo: string | null;
  vm: string;
  checkpoints: number;
  listening?: { port: number } | null;
  verified: Array<{ checkpoint: number; ram: boolean; digest: string }>;
};

const X_COLO = { capabilities: [{ capability: 'x-colo', state: true }] };
const status = async (node: LockstepProcess) => (await node.qmp.execute('x-lockstep-status')) as Status;

async function until(
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

/**
 * One run: a secondary and a primary as OS processes in COLO, a kill -9 of `victim` after `delayMs`, then
 * x-colo-lost-heartbeat on the survivor. A surviving secondary must run and hold exactly the image of a
 * checkpoint the primary sent (its digest as the primary logged it, read back from the dead primary's log).
 */
export async function killRun(
  victim: 'primary' | 'secondary',
  delayMs: number,
  { ram = '16M', multifd = 0 }: { ram?: string; multifd?: number } = {},
): Promise<KillOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-kill-'));
  const nodes: LockstepProcess[] = [];
  const channels = multifd > 0 ? ['--multifd', String(multifd)] : [];
  try {
    const secondary = await startNode(
      [
        'secondary',
        '--listen',
        '127.0.0.1:0',
        '--qmp',
        join(dir, 's.sock'),
        '--ram',
        ram,
        '--log',
        join(dir, 's.jsonl'),
        ...channels,
      ],
      join(dir, 's.sock'),
    );
    nodes.push(secondary);
    const primary = await startNode(
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
      ],
      join(dir, 'p.sock'),
    );
    nodes.push(primary);
    await secondary.qmp.execute('migrate-set-capabilities', X_COLO);
    await secondary.qmp.execute('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
    const { listening } = await until(secondary, 'the migration listener', (s) => Boolean(s.listening));
    await primary.qmp.execute('migrate-set-capabilities', X_COLO);
    await primary.qmp.execute('cont');
    await primary.qmp.execute('migrate', { uri: `tcp:127.0.0.1:${listening!.port}` });
    await until(primary, 'colo', (s) => s.status === 'colo' && s.colo !== null && s.checkpoints >= 1);
    await new Promise((r) => setTimeout(r, delayMs));
    const survivor = victim === 'primary' ? secondary : primary;
    await sigkill(victim === 'primary' ? primary : secondary);
    await until(
      survivor,
      'COLO_EXIT after the kill',
      (s) => s.colo === 'wait-incoming-event' || s.colo === 'wait-exit-event' || s.status === 'completed',
    );
    await withTimeout(survivor.qmp.execute('x-colo-lost-heartbeat'), 10_000, 'x-colo-lost-heartbeat');
    const after = await until(
      survivor,
      'running after failover',
      (s) => s.status === 'completed' && s.vm === 'running',
    );
    if (victim === 'secondary')
      return { verdict: 'ok', detail: 'primary runs alone', checkpoints: after.checkpoints };
    return await checkImage(after, join(dir, 'p.jsonl'));
  } catch (error) {
    return {
      verdict: error instanceof HangError ? 'hang' : 'failure',
      detail: String(error),
      checkpoints: 0,
    };
  } finally {
    for (const node of nodes) {
      await node.qmp.close().catch(() => {});
      await sigkill(node);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** The secondary's last loaded image is the primary's image of that same checkpoint. */
async function checkImage(secondary: Status, primaryLog: string): Promise<KillOutcome> {
  const { events } = await readLog(primaryLog);
  const sent = events
    .map((e) => e.data as LoggedInput)
    .filter((d) => d.input?.kind === 'io' && d.input.completion === 'ram-sent')
    .map((d) => d.meta?.digest);
  const last = secondary.verified.at(-1);
  if (!last) return { verdict: 'failure', detail: 'the secondary loaded no checkpoint', checkpoints: 0 };
  const expected = sent[last.checkpoint - 1];
  const ok = last.ram && last.checkpoint === secondary.checkpoints && expected === last.digest;
  return {
    verdict: ok ? 'ok' : 'failure',
    detail: ok
      ? `resumed from checkpoint ${last.checkpoint}`
      : `checkpoint ${last.checkpoint}: digest ${last.digest} vs primary ${expected}`,
    checkpoints: secondary.checkpoints,
  };
}
