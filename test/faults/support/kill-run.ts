import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpTimeoutError } from '../../../conformance/index.js';
import { readLog } from '../../../runtime/log/index.js';
import type { LoggedInput } from '../../../runtime/node/index.js';
import { HangError, type Launcher, type LockstepProcess, sigkill, withTimeout } from './lockstep-process.js';
import { type Status, startPair, until } from './pair.js';

/**
 * What one fault run found. `not-started`: the pair was still starting when a step of the start-up timed
 * out (both processes alive, no error said: a loaded machine); nothing was killed, so the run says nothing
 * about the survivor. `start-failed`: the pair did not start for a reason (a process exited, a command was
 * refused, the migration failed): the detail says which, with the nodes' last stderr lines; it counts as
 * a problem, never as a slow machine.
 */
export type KillOutcome = {
  verdict: 'ok' | 'failure' | 'hang' | 'not-started' | 'start-failed';
  detail: string;
  checkpoints: number;
};

/**
 * One run: a secondary and a primary as OS processes in COLO, a kill -9 of `victim` after `delayMs`, then
 * x-colo-lost-heartbeat on the survivor. A surviving secondary must run and hold exactly the image of a
 * checkpoint the primary sent (its digest as the primary logged it, read back from the dead primary's log).
 */
export async function killRun(
  victim: 'primary' | 'secondary',
  delayMs: number,
  {
    ram = '16M',
    multifd = 0,
    launcher = 'sources',
    secondaryExtra = [],
  }: { ram?: string; multifd?: number; launcher?: Launcher; secondaryExtra?: readonly string[] } = {},
): Promise<KillOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-kill-'));
  const nodes: LockstepProcess[] = [];
  let started = false;
  try {
    const { secondary, primary } = await startPair(dir, nodes, { ram, multifd, launcher, secondaryExtra });
    started = true;
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
    if (!started) return startFailure(error, nodes);
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

/**
 * Why a pair did not start. Only a step that timed out while both processes still ran is `not-started`;
 * an exited process, a refused command or a failed migration is `start-failed`, with its reason.
 */
function startFailure(error: unknown, nodes: readonly LockstepProcess[]): KillOutcome {
  const exited = nodes.filter((n) => n.child.exitCode !== null || n.child.signalCode !== null);
  const timedOut = error instanceof HangError || error instanceof QmpTimeoutError;
  const tail = nodes
    .map((n) => `${n.role}: ${n.stderr.join('').trim().split('\n').slice(-3).join(' | ')}`)
    .join('; ');
  const why = exited.map((n) => `${n.role} exited (${n.child.exitCode ?? n.child.signalCode})`);
  return {
    verdict: timedOut && exited.length === 0 ? 'not-started' : 'start-failed',
    detail: `${[String(error), ...why].join('; ')} [${tail}]`,
    checkpoints: 0,
  };
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
