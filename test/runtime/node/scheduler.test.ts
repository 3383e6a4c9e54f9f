import { describe, expect, it } from 'vitest';
import type { NodeInput, NodeThread } from '../../../machines/index.js';
import { Scheduler } from '../../../runtime/node/index.js';

const stepped = (input: NodeInput | null) => (input?.kind === 'step' ? input.thread : input);

describe("NodeRuntime's scheduler", () => {
  it('takes the COLO thread, then the main loop, then the channel threads in turn', () => {
    const scheduler = new Scheduler();
    const all: NodeThread[] = ['multifd-0', 'multifd-1', 'multifd-2'];
    expect(stepped(scheduler.next(['colo', 'main-loop', ...all]))).toBe('colo');
    expect(stepped(scheduler.next(['main-loop', ...all]))).toBe('main-loop');
    // channel 0 has moved, then 1, then 2: the turn comes back to 0 only after the others
    expect([0, 1, 2, 3].map(() => stepped(scheduler.next(all)))).toEqual([
      'multifd-0',
      'multifd-1',
      'multifd-2',
      'multifd-0',
    ]);
    expect(stepped(scheduler.next(['multifd-0', 'multifd-2']))).toBe('multifd-2');
    expect(stepped(scheduler.next(['colo', 'multifd-0']))).toBe('colo');
    expect(stepped(scheduler.next(['multifd-0']))).toBe('multifd-0');
  });

  it("asks the edge's gate: a thread that waits for I/O is passed over, a failed write is its input", () => {
    const scheduler = new Scheduler();
    const failed: NodeInput = { kind: 'multifd', channel: 1, event: 'write-error' };
    scheduler.setGate((thread) =>
      thread === 'multifd-0' ? 'wait' : thread === 'multifd-1' ? failed : 'step',
    );
    expect(scheduler.next(['multifd-0', 'multifd-1'])).toBe(failed);
    expect(scheduler.next(['multifd-0'])).toBeNull();
    expect(scheduler.next([])).toBeNull();
    expect(stepped(scheduler.next(['multifd-0', 'multifd-2']))).toBe('multifd-2');
  });
});
