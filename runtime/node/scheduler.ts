import { type NodeInput, type NodeThread, threadChannel } from '../../machines/index.js';

/**
 * The edge's say on a step the machines enable: `step` (take it), `wait` (the thread is blocked in I/O
 * the kernel has not finished: a channel not connected yet, a write that does not fit), or an input to
 * apply instead (the I/O failed: the step that would write is a write error). No protocol decision: the
 * machines say what a thread does next, the gate only says whether its I/O can happen now.
 * @public
 */
export type StepGate = (thread: NodeThread) => 'step' | 'wait' | NodeInput;

/**
 * NodeRuntime's deterministic choice among the enabled threads: the COLO thread first, then the main
 * loop, then the multifd channel threads in turn, starting after the channel that moved last. QEMU's
 * channel threads run side by side, so none waits behind another that keeps finding work (which channel
 * gets each job is the multifd-send machine's round robin, not this order). Each choice is logged as an input,
 * so a replay of the log needs none of this.
 * @public
 */
export class Scheduler {
  private last = -1;
  private gate: StepGate = () => 'step';

  /** Sets the edge's gate (one per node: its role's data path). */
  setGate(gate: StepGate): void {
    this.gate = gate;
  }

  /** The next input to apply, or null when every enabled thread waits for I/O (or none is enabled). */
  next(enabled: readonly NodeThread[]): NodeInput | null {
    const last = this.last;
    // the COLO thread, the main loop and the channels after the last one, then the channels up to it
    return (
      this.first(enabled, (channel) => channel < 0 || channel > last) ??
      this.first(enabled, (channel) => channel >= 0 && channel <= last)
    );
  }

  private first(enabled: readonly NodeThread[], turn: (channel: number) => boolean): NodeInput | null {
    for (const thread of enabled) {
      if (!turn(threadChannel(thread))) continue;
      const input = this.take(thread);
      if (input) return input;
    }
    return null;
  }

  private take(thread: NodeThread): NodeInput | null {
    const verdict = this.gate(thread);
    if (verdict === 'wait') return null;
    const channel = threadChannel(thread);
    if (channel >= 0) this.last = channel;
    return verdict === 'step' ? { kind: 'step', thread } : verdict;
  }
}
