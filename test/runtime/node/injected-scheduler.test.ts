import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode, PROFILES } from '../../../machines/index.js';
import {
  ArrivalScheduler,
  DEFAULT_RUNTIME_OPTIONS,
  type LoggedInput,
  NodeRuntime,
  type NodeScheduler,
} from '../../../runtime/node/index.js';

/** Holds every arrival until `open`: the node applies nothing the scheduler does not hand it. */
class GateKeeper implements NodeScheduler {
  readonly held: LoggedInput[] = [];
  private readonly inner = new ArrivalScheduler();
  open = false;
  offer(batch: readonly LoggedInput[]): void {
    this.held.push(...batch);
  }
  next(state: Parameters<NodeScheduler['next']>[0]): LoggedInput | null {
    if (!this.open) return null;
    this.inner.offer(this.held.splice(0));
    return this.inner.next(state);
  }
  setGate(): void {}
}

describe("NodeRuntime's injected scheduler", () => {
  it('chooses every input the node applies: a held QMP command is neither applied nor answered', async () => {
    const keeper = new GateKeeper();
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-scheduler-'));
    const node = await NodeRuntime.start(
      {
        ...DEFAULT_RUNTIME_OPTIONS,
        role: 'primary',
        profile: PROFILES['qemu-11.0'],
        ram: '1M',
        logPath: join(dir, 'primary.jsonl'),
      },
      keeper,
    );
    let answered = false;
    const reply = node.qmp('migrate-set-capabilities', {
      capabilities: [{ capability: 'x-colo', state: true }],
    });
    void reply.then(() => {
      answered = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(keeper.held.map((l) => l.input.kind)).toEqual(['qmp']);
    expect(answered).toBe(false);
    expect(node.state.source.context.capabilities['x-colo']).not.toBe(true);
    keeper.open = true;
    node.wake();
    expect(await reply).toEqual({ return: {} });
    expect(node.state.source.context.capabilities['x-colo']).toBe(true);
    node.kill();
    await node.close();
  });

  it('by default takes arrivals in order before any thread step', () => {
    const scheduler = new ArrivalScheduler();
    const first: LoggedInput = { input: { kind: 'timer' } };
    const second: LoggedInput = { input: { kind: 'qmp', command: 'query-status', id: 1 } };
    scheduler.offer([first, second]);
    const fresh = createNode({ role: 'primary', profile: PROFILES['qemu-11.0'] });
    expect(scheduler.next(fresh)).toBe(first);
    expect(scheduler.next(fresh)).toBe(second);
    expect(scheduler.next(fresh)).toBeNull(); // a fresh primary has no thread to step
  });
});
