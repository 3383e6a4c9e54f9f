import { enabledThreads, type NodeState } from '../../machines/index.js';
import type { LoggedInput } from './logged-input.js';
import { Scheduler, type StepGate } from './scheduler.js';

/**
 * What NodeRuntime asks, each time it can apply something, for the next input: the one place that
 * chooses the order of a node's inputs. The node logs and applies exactly what `next` returns, so a
 * scheduler that feeds a trace's inputs makes the node take that trace (replay), and the default one
 * ({@link ArrivalScheduler}) runs it as a live process. The scheduler never changes the node's state.
 * @example
 * ```ts
 * const node = await NodeRuntime.start(options, new ArrivalScheduler());
 * ```
 * @public
 */
export interface NodeScheduler {
  /** Inputs arrived together (QMP, a timer, the peer, a finished I/O); they wait here until chosen. */
  offer(batch: readonly LoggedInput[]): void;
  /** The next input to log and apply, or null when nothing can move now. */
  next(state: NodeState): LoggedInput | null;
  /** Sets the edge's gate on thread steps (the role's data path: a write waits for its socket). */
  setGate(gate: StepGate): void;
}

/**
 * A live node's scheduler: inputs in arrival order first, then a thread step as {@link Scheduler}
 * chooses it (COLO thread, main loop, the multifd channel threads in turn).
 * @public
 */
export class ArrivalScheduler implements NodeScheduler {
  private readonly arrived: LoggedInput[] = [];
  private readonly threads = new Scheduler();

  /** Queues the batch behind what arrived before it. */
  offer(batch: readonly LoggedInput[]): void {
    this.arrived.push(...batch);
  }

  /** The oldest arrival, else the next thread step the gate lets through. */
  next(state: NodeState): LoggedInput | null {
    const arrival = this.arrived.shift();
    if (arrival) return arrival;
    const input = this.threads.next(enabledThreads(state));
    return input ? { input } : null;
  }

  /** Sets the gate its thread choice asks. */
  setGate(gate: StepGate): void {
    this.threads.setGate(gate);
  }
}
