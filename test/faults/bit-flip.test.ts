import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLog } from '../../runtime/log/index.js';
import type { LoggedInput } from '../../runtime/node/index.js';
import { type LockstepProcess, sigkill, startNode, withTimeout } from './support/lockstep-process.js';
import { migrate, startSecondary, until } from './support/pair.js';

const nodes: LockstepProcess[] = [];
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    await node.qmp.close().catch(() => {});
    await sigkill(node);
  }
  for (const step of cleanup.splice(0)) await step();
});

/**
 * A man in the middle on loopback: forwards every connection to `port`; once armed, flips one bit in the
 * middle of the next large chunk the primary sends on the main channel (a checkpoint's page data), or
 * with `onMultifd` on a multifd channel (the connections after the first).
 */
async function bitFlipper(
  port: number,
  onMultifd = false,
): Promise<{ server: Server; port: number; arm(): void; flips(): number }> {
  let armed = false;
  let flipped = 0;
  let first = true;
  const server = createServer((inbound: Socket) => {
    const main = first !== onMultifd;
    first = false;
    const outbound = connect({ host: '127.0.0.1', port });
    for (const s of [inbound, outbound]) s.on('error', () => {});
    inbound.on('data', (chunk: Buffer) => {
      if (main && armed && chunk.length >= 64 * 1024) {
        armed = false;
        flipped++;
        chunk[chunk.length >> 1]! ^= 0x10;
      }
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => inbound.write(chunk));
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, port: address.port, arm: () => (armed = true), flips: () => flipped };
}

// plain, and multifd 2 with the secondary's receive threads in worker threads (the pages stored and
// hashed off the main thread: the digest gate must refuse what they stored all the same)
const RUNS = [
  { over: 'the main channel', multifd: 0, extra: [] as string[] },
  { over: 'a multifd channel read by a worker thread', multifd: 2, extra: ['--multifd-workers'] },
];

describe.each(RUNS)('a checkpoint corrupted on the wire ($over)', ({ multifd, extra }) => {
  const channels = multifd > 0 ? ['--multifd', String(multifd)] : [];
  it('is refused before the flush: the secondary keeps the last good checkpoint and fails over onto it', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-flip-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { secondary, port } = await startSecondary(dir, nodes, { multifd, extra });
    const proxy = await bitFlipper(port, multifd > 0);
    cleanup.push(() => new Promise((resolve) => proxy.server.close(() => resolve())));
    const primary = await startNode(
      ['primary', '--qmp', join(dir, 'p.sock'), '--ram', '16M', '--log', join(dir, 'p.jsonl')].concat([
        '--checkpoint-delay',
        '100',
        ...channels,
      ]),
      join(dir, 'p.sock'),
    );
    nodes.push(primary);
    await migrate(primary, '127.0.0.1', proxy.port);
    proxy.arm();
    const refused = await until(
      secondary,
      'the corrupted checkpoint refused',
      (s) => (s.refusals?.byCode['checkpoint-refused'] ?? 0) > 0,
      30_000,
    );
    expect(proxy.flips()).toBe(1);
    expect(refused.refusals!.last).toMatch(/checkpoint \d+ refused: its ram digest does not match/);
    // no checkpoint was ever committed with a RAM digest other than the primary's
    expect(refused.verified.every((v) => v.ram)).toBe(true);
    await until(secondary, 'COLO_EXIT', (s) => s.colo === 'wait-incoming-event');
    await withTimeout(secondary.qmp.execute('x-colo-lost-heartbeat'), 10_000, 'x-colo-lost-heartbeat');
    const after = await until(secondary, 'running', (s) => s.status === 'completed' && s.vm === 'running');
    const last = after.verified.at(-1)!;
    expect(after.checkpoints).toBe(last.checkpoint);
    const { events } = await readLog(join(dir, 'p.jsonl'));
    const sent = events
      .map((e) => e.data as LoggedInput)
      .filter((d) => d.input?.kind === 'io' && d.input.completion === 'ram-sent')
      .map((d) => d.meta?.digest);
    expect(last.digest).toBe(sent[last.checkpoint - 1]);
  });
});
