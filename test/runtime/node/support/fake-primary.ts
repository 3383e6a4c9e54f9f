import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { type Profile, QEMU_11_0 } from '../../../../index.js';
import { DeviceState } from '../../../../runtime/guest/index.js';
import { attachSecondary, DEFAULT_RUNTIME_OPTIONS, NodeRuntime } from '../../../../runtime/node/index.js';
import { encodeBatch, encodeFrames, StreamDecoder } from '../../../../runtime/wire/index.js';
import { tempDir } from '../../../support/temp-dir.js';

/** A real secondary node, and a raw socket standing in for the primary (unit tests only). */
export interface FakePrimaryRig {
  readonly secondary: NodeRuntime;
  readonly socket: Socket;
  /** The multifd channels, connected after the main channel (none without multifd). */
  readonly channels: readonly Socket[];
  /** COLO messages the secondary sent back, in order. */
  readonly received: string[];
  /** Resolves when the secondary has sent `count` messages in all. */
  messages(count: number): Promise<void>;
}

const hello = Buffer.from([0xff, 0xff, 0xff, 0xff]);

const channelHello = (id: number) => {
  const word = Buffer.alloc(4);
  word.writeUInt32BE(id);
  return word;
};

/**
 * Starts a secondary with x-colo (and `multifd` channels), connects, sends a precopy of `pages` pages of
 * 0x11 on the main channel, ends it.
 */
export async function precopyInto(
  ramPages: number,
  profile: Profile = QEMU_11_0,
  multifd = 0,
  multifdWorkers = false,
): Promise<FakePrimaryRig> {
  const dir = await tempDir('lockstep-fake-');
  const secondary = await NodeRuntime.start({
    ...DEFAULT_RUNTIME_OPTIONS,
    workload: { kind: 'idle', pagesPerSecond: 0, seed: 1 },
    role: 'secondary',
    profile,
    multifd,
    multifdWorkers,
    ram: `${(ramPages * 4096) / 1024}K`,
    logPath: join(dir, 'secondary.jsonl'),
  });
  attachSecondary(secondary);
  const listening = once(secondary, 'listening');
  await secondary.qmp('migrate-set-capabilities', { capabilities: [{ capability: 'x-colo', state: true }] });
  await secondary.qmp('migrate-incoming', { uri: 'tcp:127.0.0.1:0' });
  const [{ port }] = (await listening) as [{ port: number }];
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(hello);
  const channels: Socket[] = [];
  for (let id = 0; id < multifd; id++) {
    const channel = connect({ host: '127.0.0.1', port });
    await once(channel, 'connect');
    channel.write(channelHello(id));
    channels.push(channel);
  }
  const received: string[] = [];
  const waiters: Array<() => void> = [];
  const decoder = new StreamDecoder({ ramPages });
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    for (let f = decoder.next(); f; f = decoder.next()) if (f.kind === 'message') received.push(f.message);
    for (const wake of waiters.splice(0)) wake();
  });
  const messages = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (received.length >= count ? resolve() : waiters.push(check));
      check();
    });
  const indexes = Array.from({ length: ramPages }, (_, i) => i);
  socket.write(Buffer.concat(encodeBatch(indexes, Buffer.alloc(ramPages * 4096, 0x11))));
  socket.write(
    Buffer.concat(
      encodeFrames([
        { kind: 'vmstate', blob: Buffer.from(DeviceState.reset().serialise()) },
        { kind: 'eof' },
      ]),
    ),
  );
  await messages(1); // CHECKPOINT_READY
  return { secondary, socket, channels, received, messages };
}
