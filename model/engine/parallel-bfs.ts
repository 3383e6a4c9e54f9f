import type { Worker } from 'node:worker_threads';
import type { CheckOptions } from './options.js';
import { NO_PARENT } from './parent-links.js';
import { RunContext } from './run-context.js';
import { replay } from './trace.js';
import type { Model, Report } from './types.js';
import type { IndexedTrace } from './worker-liveness.js';
import { ask, startWorkers } from './worker-pool.js';
import type { FromWorker, WorkerFinding } from './worker-protocol.js';

/**
 * Level-synchronous BFS on worker threads. Each worker owns the states whose fingerprint's low word is
 * its index modulo the worker count (so exactly one worker dedups any state), expands its own frontier
 * and hands foreign successors straight to their owners (worker-to-worker ports); this coordinator only
 * runs the level barrier, one message per worker per level. Levels stay in lockstep, so counterexamples
 * are still shortest; the count equals one thread's. `model` here (this thread's copy) only replays
 * traces: the liveness pass runs in the workers too, whose tables are warm by then.
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
  const settle = (answers: FromWorker[]): number => {
    let added = 0;
    states = 0;
    bytes = 0;
    for (const a of answers) {
      if (a.type !== 'level') throw new Error(`parallel BFS: unexpected ${a.type}`);
      added += a.added;
      states += a.size;
      bytes += a.bytes;
      transitions += a.transitions;
      findings.push(...a.findings);
    }
    return added;
  };
  try {
    let frontier = settle(await Promise.all(workers.map((w) => ask(w, { type: 'init' }))));
    while (frontier > 0) {
      if (
        depth >= options.maxDepth ||
        ctx.limitReached(states, depth, frontier) ||
        states >= options.maxStates
      ) {
        complete = false;
        break;
      }
      frontier = settle(await Promise.all(workers.map((w) => ask(w, { type: 'expand' }))));
      if (frontier > 0) depth++;
    }
    // Findings arrive level by level, so the first one per property is at minimal depth.
    for (const f of findings) {
      if (ctx.found.has(f.property)) continue;
      const steps: number[] = [];
      let ref = f.ref;
      for (;;) {
        const link = await ask(workers[ref % k]!, { type: 'link', local: Math.floor(ref / k) });
        if (link.type !== 'link') throw new Error(`parallel BFS: unexpected ${link.type}`);
        if (link.parent === NO_PARENT) {
          ctx.record(f.property, f.kind, f.violation, replay(model, link.action, steps.reverse()));
          break;
        }
        steps.push(link.action);
        ref = link.parent;
      }
    }
    if (complete && ctx.eventually.length > 0) await liveness(ctx, workers);
  } finally {
    // not awaited: the report is ready, and tearing the threads down (~20 ms) is no part of the answer
    for (const w of workers) void w.terminate();
  }
  return ctx.report(states, transitions, depth, bytes, complete);
}

// The liveness pass, each worker taking every k-th eventually property; recorded in the properties'
// order so the report lists them as one thread's would.
async function liveness<S, A>(ctx: RunContext<S, A>, workers: Worker[]): Promise<void> {
  const traces = new Map<string, IndexedTrace>();
  for (const a of await Promise.all(workers.map((w) => ask(w, { type: 'liveness' })))) {
    if (a.type !== 'liveness') throw new Error(`parallel BFS: unexpected ${a.type}`);
    for (const t of a.traces) traces.set(t.property, t);
  }
  for (const p of ctx.eventually) {
    const t = traces.get(p.name);
    if (!t) continue;
    const trace = replay(ctx.model, t.init, t.steps);
    if (t.loopStart !== undefined) trace.loopStart = t.loopStart;
    ctx.record(p.name, 'liveness', true, trace);
  }
}
