import { afterEach, describe, expect, it } from 'vitest';
import { channelExited, multifdMainBlockedIn } from '../../../machines/index.js';
import { waitFor } from '../../../runtime/demo/wait.js';
import type { NodeRuntime } from '../../../runtime/node/index.js';
import { encodeFrames, encodeMessage, encodeMultifdPacket } from '../../../runtime/wire/index.js';
import { precopyInto } from './support/fake-primary.js';

const PAGES = 64;
const nodes: NodeRuntime[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    node.kill();
    await node.close();
  }
});

const NONE = new Uint32Array(0);
const packet = (channel: number, packetNum: number, pages: number[], fill: number) =>
  Buffer.concat(
    encodeMultifdPacket({
      channel,
      packetNum,
      sync: false,
      normal: Uint32Array.from(pages),
      zero: NONE,
      data: Buffer.alloc(pages.length * 4096, fill),
    }),
  );
const syncPacket = (channel: number, packetNum: number) =>
  Buffer.concat(
    encodeMultifdPacket({ channel, packetNum, sync: true, normal: NONE, zero: NONE, data: Buffer.alloc(0) }),
  );

describe('a corrupted multifd packet in a checkpoint (multifd 2, every fix of the series)', () => {
  it('the receive thread fails and terminates multifd; multifd_recv_sync_main then waits for good (reference §7)', async () => {
    const rig = await precopyInto(PAGES, undefined, 2);
    nodes.push(rig.secondary);
    const secondary = rig.secondary;
    rig.socket.write(encodeMessage('checkpoint-request'));
    await rig.messages(2);
    rig.socket.write(encodeMessage('vmstate-send'));
    // channel 0 carries good pages and its SYNC; channel 1's packet has a bad magic
    rig.channels[0]!.write(Buffer.concat([packet(0, 1, [0, 1, 2], 0x22), syncPacket(0, 2)]));
    rig.channels[1]!.write(
      Buffer.concat([Buffer.from('not a multifd packet, not at all!'), Buffer.alloc(64)]),
    );
    await waitFor(secondary, 'the receive threads to exit', () =>
      [0, 1].every((channel) => channelExited(secondary.state, channel)),
    );
    // the main channel goes on: MULTIFD_FLUSH, the digests and EOF, so the COLO thread syncs
    rig.socket.write(Buffer.concat(encodeFrames([{ kind: 'flush' }, { kind: 'eof' }])));
    await waitFor(
      secondary,
      'multifd_recv_sync_main',
      () => multifdMainBlockedIn(secondary.state)?.startsWith('multifd_recv_sync_main') === true,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondary.state.ramPhase).toBe('sync');
    expect(multifdMainBlockedIn(secondary.state)).toBe(
      'multifd_recv_sync_main: qemu_sem_wait(&multifd_recv_state->sem_sync)',
    ); // for a SYNC no thread will post
    expect((secondary.state.multifdRecv!.context as { exiting: boolean }).exiting).toBe(true);
    expect(secondary.state.checkpoints).toBe(0);
    expect(secondary.guest.page(1)[0]).toBe(0x11); // guest RAM: still the last complete image
    // no BQL held while receiving RAM (qemu-11.0): the main loop still answers in-band commands, and the
    // VM is stopped for the checkpoint (colo.c:colo_incoming_process_checkpoint: vm_stop_force_state(RUN_STATE_COLO))
    expect(await secondary.qmp('query-status')).toEqual({ return: { running: false, status: 'colo' } });
    // the takeover starts, but colo_incoming_co joins a COLO thread that never ends: the SVM stays stopped
    expect(await secondary.qmp('x-colo-lost-heartbeat')).toEqual({ return: {} });
    await waitFor(secondary, 'colo_incoming_co', () => secondary.state.joiningColo);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondary.state.joiningColo).toBe(true);
    expect(secondary.state.vm).toBe('stopped');
  });
});
