import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../runtime/demo/wait.js';
import type { NodeRuntime } from '../../../runtime/node/index.js';
import { encodeBatch, encodeFrames, encodeMessage } from '../../../runtime/wire/index.js';
import { precopyInto } from './support/fake-primary.js';

const PAGES = 64;
const nodes: NodeRuntime[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    node.kill();
    await node.close();
  }
});

const coloExits = (node: NodeRuntime) => {
  const exits: unknown[] = [];
  node.on('effect', (e) => e.kind === 'qmp-event' && e.event === 'COLO_EXIT' && exits.push(e.data));
  return exits;
};

/** Starts a checkpoint: CHECKPOINT_REQUEST, wait for the reply, VMSTATE_SEND, then new pages of 0x22. */
async function startCheckpoint(rig: Awaited<ReturnType<typeof precopyInto>>) {
  rig.socket.write(encodeMessage('checkpoint-request'));
  await rig.messages(2);
  rig.socket.write(
    Buffer.concat([encodeMessage('vmstate-send'), ...encodeBatch([0, 1, 2], Buffer.alloc(3 * 4096, 0x22))]),
  );
}

describe('a secondary fed bad input keeps its last complete checkpoint', () => {
  it('garbage mid-checkpoint: typed decode error, COLO_EXIT(error), still in colo, guest RAM untouched', async () => {
    const rig = await precopyInto(PAGES);
    nodes.push(rig.secondary);
    const exits = coloExits(rig.secondary);
    const before = Buffer.from(rig.secondary.guest.bytes);
    await startCheckpoint(rig);
    rig.socket.write(Buffer.from([0x4c, 0x53, 0x77, 0x77, 1, 2, 3])); // an unknown frame kind
    await waitFor(rig.secondary, 'COLO_EXIT', () => exits.length > 0, 10_000);
    expect(exits).toEqual([{ mode: 'secondary', reason: 'error' }]);
    expect(rig.secondary.state.incoming.value).toBe('colo');
    expect(rig.secondary.state.colo?.value).toBe('wait-incoming-event');
    expect(Buffer.from(rig.secondary.guest.bytes).equals(before)).toBe(true);
    // the operator fails over: the secondary runs from the precopy image, the half checkpoint discarded
    expect(await rig.secondary.qmp('x-colo-lost-heartbeat')).toEqual({ return: {} });
    await waitFor(
      rig.secondary,
      'failover',
      () => rig.secondary.state.vm === 'running' && rig.secondary.state.coloCache === 'released',
      10_000,
    );
    expect(rig.secondary.state.incoming.value).toBe('completed');
    expect(rig.secondary.guest.page(1)[0]).toBe(0x11);
  });

  it('a device blob whose digest does not match is refused before the flush', async () => {
    const rig = await precopyInto(PAGES);
    nodes.push(rig.secondary);
    const exits = coloExits(rig.secondary);
    await startCheckpoint(rig);
    const wrongDigest = { kind: 'digest', subject: 'device', sha256: Buffer.alloc(32, 7) } as const;
    rig.socket.write(
      Buffer.concat(
        encodeFrames([wrongDigest, { kind: 'eof' }, { kind: 'vmstate', blob: Buffer.alloc(4096, 9) }]),
      ),
    );
    await waitFor(rig.secondary, 'COLO_EXIT', () => exits.length > 0, 10_000);
    await rig.messages(3);
    expect(rig.received).toEqual(['checkpoint-ready', 'checkpoint-reply', 'vmstate-received']);
    expect(exits).toEqual([{ mode: 'secondary', reason: 'error' }]);
    expect(rig.secondary.guest.page(1)[0]).toBe(0x11); // never flushed
    expect(rig.secondary.state.checkpoints).toBe(0);
  });

  it('an unknown COLO message value is a typed error, not a crash', async () => {
    const rig = await precopyInto(PAGES);
    nodes.push(rig.secondary);
    const exits = coloExits(rig.secondary);
    rig.socket.write(Buffer.from([0, 0, 0, 42]));
    await waitFor(rig.secondary, 'COLO_EXIT', () => exits.length > 0, 10_000);
    expect(rig.secondary.state.incoming.value).toBe('colo');
  });

  it('a message out of order goes to the error exit (colo_receive_check_message)', async () => {
    const rig = await precopyInto(PAGES);
    nodes.push(rig.secondary);
    const exits = coloExits(rig.secondary);
    rig.socket.write(encodeMessage('vmstate-send')); // expected checkpoint-request
    await waitFor(rig.secondary, 'COLO_EXIT', () => exits.length > 0, 10_000);
    expect(exits).toEqual([{ mode: 'secondary', reason: 'error' }]);
  });
});
