import { checkLiveness } from './liveness.js';
import type { CheckOptions } from './options.js';
import { NO_PARENT } from './parent-links.js';
import { RunContext } from './run-context.js';
import { replay } from './trace.js';
import type { Model, Report } from './types.js';
import { ask, startWorkers } from './worker-pool.js';
import type { Batch, FromWorker, WorkerFinding } from './worker-protocol.js';

/**
 * Level-synchronous BFS on worker threads. Each worker owns the states whose fingerprint's low word is
 * its index modulo the worker count (so exactly one worker dedups any state), expands its own frontier
 * and hands foreign successors to their owners through this coordinator. Levels stay in lockstep, so
 * counterexamples are still shortest; the count equals one thread's. `model` here (this thread's copy)
 * only replays traces and runs the liveness pass, which stays single-threaded.
 */
export async function runParallelBfs<S, A>(model: Model<S, A>, options: CheckOptions): Promise<Report<S, A>> {
  const ctx = new RunContext(model, options);
  const workers = startWorkers(options);
  const k = workers.length;
  const findings: WorkerFinding[] = [];
  let states = 0;
  let bytes = 0;
  let transitions = 0;
  let depth = 0;
  let complete = true;
  const settle = (answers: FromWorker<S>[]): number => {
    let added = 0;
    states = 0;
    bytes = 0;
    for (const a of answers) {
      if (a.type !== 'inserted') throw new Error(`parallel BFS: unexpected ${a.type}`);
      added += a.added;
      states += a.size;
      bytes += a.bytes;
      findings.push(...a.findings);
    }
    return added;
  };
  try {
    let frontier = settle(await Promise.all(workers.map((w) => ask<S>(w, { type: 'init' }))));
    while (frontier > 0) {
      if (
        depth >= options.maxDepth ||
        ctx.limitReached(states, depth, frontier) ||
        states >= options.maxStates
      ) {
        complete = false;
        break;
      }
      const expanded = await Promise.all(workers.map((w) => ask<S>(w, { type: 'expand' })));
      const inbox: Batch<S>[][] = workers.map(() => []);
      for (const e of expanded) {
        if (e.type !== 'expanded') throw new Error(`parallel BFS: unexpected ${e.type}`);
        transitions += e.transitions;
        findings.push(...e.findings);
        e.outbox.forEach((b, owner) => {
          if (b.states.length > 0) inbox[owner]!.push(b);
        });
      }
      frontier = settle(
        await Promise.all(workers.map((w, i) => ask<S>(w, { type: 'insert', batches: inbox[i]! }))),
      );
      if (frontier > 0) depth++;
    }
    // Findings arrive level by level, so the first one per property is at minimal depth.
    for (const f of findings) {
      if (ctx.found.has(f.property)) continue;
      const steps: number[] = [];
      let ref = f.ref;
      for (;;) {
        const link = await ask<S>(workers[ref % k]!, { type: 'link', local: Math.floor(ref / k) });
        if (link.type !== 'link') throw new Error(`parallel BFS: unexpected ${link.type}`);
        if (link.parent === NO_PARENT) {
          ctx.record(f.property, f.kind, f.violation, replay(model, link.action, steps.reverse()));
          break;
        }
        steps.push(link.action);
        ref = link.parent;
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (complete) checkLiveness(ctx);
  return ctx.report(states, transitions, depth, bytes, complete);
}
