/**
 * The scheduler a replayed node runs under: NodeRuntime asks it for every input, and it hands back only
 * what the replay offered, in that order. It never steps a thread by itself (a live node's
 * ArrivalScheduler would pick the COLO thread, then the main loop, then the channels in turn), so the
 * node takes exactly the trace's next input and the completions its own effects report.
 * @packageDocumentation
 */
import type { NodeState } from '../machines/index.js';
import type { LoggedInput, NodeScheduler } from '../runtime/node/index.js';

/**
 * A {@link NodeScheduler} that feeds a counterexample's inputs: the replay's driver offers the input the
 * trace names next (a thread step, a delivered item, a fault's QMP command), the edge offers what its
 * effects complete (a write finished or failed), and `next` returns them first in, first out.
 * @example
 * ```ts
 * const node = await NodeRuntime.start(options, new TraceScheduler());
 * node.input({ kind: 'step', thread: 'colo' }); // applied now, and nothing else
 * ```
 * @public
 */
export class TraceScheduler implements NodeScheduler {
  private readonly offered: LoggedInput[] = [];

  /** Queues what the replay (or the node's edge) offered. */
  offer(batch: readonly LoggedInput[]): void {
    this.offered.push(...batch);
  }

  /** The oldest offered input; never a thread step of its own choosing. */
  next(_state: NodeState): LoggedInput | null {
    return this.offered.shift() ?? null;
  }

  /**
   * Ignored: a replay decides a channel thread's write error from its own sockets (the trace's step is
   * then the `write-error` input), never by gating a step the trace did not name.
   */
  setGate(): void {}
}
