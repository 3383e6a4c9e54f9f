import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replayFile } from '../../replay/index.js';
import { ColoCache } from '../../runtime/guest/index.js';
import {
  ChannelReader,
  checkpointRam,
  type Link,
  MultifdSendEdge,
  multifdCheckpointRam,
  NodeRuntime,
  RamDigest,
  RamSender,
  readReturnPath,
  SecondaryLoad,
} from '../../runtime/node/index.js';
import { saveNamed, saveScripted, tempDir } from './support.js';

// the production functions, wrapped so the test sees who calls them (each call goes through unchanged)
vi.mock('../../runtime/node/return-path.js', async (original) => {
  const actual = await original<typeof import('../../runtime/node/return-path.js')>();
  return { ...actual, readReturnPath: vi.fn(actual.readReturnPath) };
});
vi.mock('../../runtime/node/checkpoint-ram.js', async (original) => {
  const actual = await original<typeof import('../../runtime/node/checkpoint-ram.js')>();
  return {
    ...actual,
    checkpointRam: vi.fn(actual.checkpointRam),
    multifdCheckpointRam: vi.fn(actual.multifdCheckpointRam),
  };
});

// the links the production RamReceiver was constructed on (a subclass that only records them)
const receivers = vi.hoisted(() => ({ links: [] as Link[] }));
vi.mock('../../runtime/node/ram-receiver.js', async (original) => {
  const actual = await original<typeof import('../../runtime/node/ram-receiver.js')>();
  class RamReceiver extends actual.RamReceiver {
    constructor(...args: ConstructorParameters<typeof actual.RamReceiver>) {
      super(...args);
      receivers.links.push(args[0]);
    }
  }
  return { ...actual, RamReceiver };
});

/** The nodes NodeRuntime.start made in this test, by role. */
async function startedNodes(start: { mock: { results: { value: unknown }[] } }) {
  const nodes = await Promise.all(start.mock.results.map((r) => r.value as Promise<NodeRuntime>));
  const role = (r: string) => nodes.find((n) => n.options.role === r)!;
  return { primary: role('primary'), secondary: role('secondary') };
}

/** The inputs a node logged, in order. */
async function loggedInputs(node: NodeRuntime): Promise<{ type: string }[]> {
  return (await readFile(node.logPath, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string });
}

const checkpointThenSettle = (dir: string, multifd: number) =>
  saveScripted(dir, `checkpoint-${multifd}`, { multifd }, 'deadlock', [{ t: 'trigger' }, 'settle']);

describe('replay performs its effects on the production edges of runtime/node', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.mocked(readReturnPath).mockClear();
    vi.mocked(checkpointRam).mockClear();
    vi.mocked(multifdCheckpointRam).mockClear();
    receivers.links.length = 0;
  });

  it('a checkpoint over two multifd channels: MultifdSendEdge and RamSender write every packet, ChannelReader reads them, checkpoint-ram sends the main stream, readReturnPath reads the return path', async () => {
    const start = vi.spyOn(NodeRuntime, 'start');
    const bitmapSync = vi.spyOn(MultifdSendEdge.prototype, 'bitmapSync');
    const write = vi.spyOn(MultifdSendEdge.prototype, 'write');
    const packet = vi.spyOn(RamSender.prototype, 'packet');
    const syncPacket = vi.spyOn(RamSender.prototype, 'syncPacket');
    const frames = vi.spyOn(RamSender.prototype, 'frames');
    const drain = vi.spyOn(ChannelReader.prototype, 'drain');
    const effect = vi.spyOn(SecondaryLoad.prototype, 'effect');
    const deviceState = vi.spyOn(SecondaryLoad.prototype, 'deviceState');
    const stagePages = vi.spyOn(RamDigest.prototype, 'stagePages');
    const stage = vi.spyOn(RamDigest.prototype, 'stage');
    const flush = vi.spyOn(ColoCache.prototype, 'flush');
    const commitIf = vi.spyOn(RamDigest.prototype, 'commitIf');
    const dir = await tempDir();
    const report = await replayFile(await checkpointThenSettle(dir, 2), { logDir: join(dir, 'logs') });
    expect(report.divergence).toBeUndefined();
    expect(report.matched).toBe(true);
    const { primary, secondary } = await startedNodes(start);

    // multifd.c:multifd_send_thread's writes: the round's packet and a SYNC per channel, by the live classes
    expect(bitmapSync).toHaveBeenCalledTimes(1);
    expect(write.mock.calls.map(([, kind]) => kind).sort()).toEqual(['data', 'sync', 'sync']);
    expect(packet).toHaveBeenCalledTimes(1);
    // the pages the guest wrote before the trigger (48 writes, a page may be written twice)
    expect(packet.mock.calls[0]?.[1].length).toBeGreaterThan(40);
    expect(syncPacket).toHaveBeenCalledTimes(2);
    // ram-jobs is the live MultifdSendEdge's answer to bitmap-sync, logged as on a live node
    expect((await loggedInputs(primary)).filter((i) => i.type === 'ram-jobs')).toHaveLength(1);
    // the secondary's reads of both channels are the production ChannelReader's
    expect(drain.mock.contexts.length).toBeGreaterThan(0);
    expect(drain.mock.contexts.every((reader) => reader instanceof ChannelReader)).toBe(true);

    // ram.c:ram_save_complete's main-channel part, and the digest it sent, are checkpoint-ram's
    expect(vi.mocked(multifdCheckpointRam)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(multifdCheckpointRam).mock.calls[0]?.[0]).toBe(primary);
    expect(vi.mocked(checkpointRam)).not.toHaveBeenCalled();
    expect(primary.checkpointDigests).toHaveLength(1);
    expect(frames).toHaveBeenCalled();
    // the checkpoint loaded on the secondary, and the primary read its replies off the return path
    expect(secondary.state.checkpoints).toBe(1);
    expect(primary.state.checkpoints).toBe(1);
    expect(vi.mocked(readReturnPath)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(readReturnPath).mock.calls[0]?.[0]).toBe(primary);
    expect(report.findings.filter((f) => f.outcome === 'digest-mismatch')).toEqual([]);

    // the secondary's reads are the production RamReceiver's, on the accepted link (main and both channels)
    expect(receivers.links).toHaveLength(1);
    expect(receivers.links[0]?.multifd).toHaveLength(2);
    // and its loads SecondaryLoad's: the checkpoint's pages hashed into the secondary's staging table as
    // they went into the colo cache, the device blob's verdict, the flush and the device load
    const onSecondary = (contexts: unknown[]) => contexts.filter((c) => c === secondary.ramDigest).length;
    expect(onSecondary(stagePages.mock.contexts) + onSecondary(stage.mock.contexts)).toBeGreaterThan(0);
    expect(deviceState).toHaveBeenCalledTimes(1);
    // the digest gate before the flush checked the staged pages against the primary's digest, and passed
    expect(commitIf.mock.contexts).toEqual([secondary.ramDigest]);
    expect(commitIf.mock.results.map((r) => r.value)).toEqual([true]);
    expect(flush.mock.contexts).toEqual([secondary.cache]);
    expect(effect.mock.calls.map(([e]) => e.kind)).toEqual(
      expect.arrayContaining(['start-dirty-log', 'system-reset', 'flush-ram-cache', 'load-device-state']),
    );
    // SecondaryLoad checked the loaded RAM against the digest the primary's checkpoint-ram sent
    expect(secondary.verified).toEqual([{ checkpoint: 1, ram: true, digest: expect.any(String) }]);
  });

  it('a checkpoint on the main channel alone: checkpoint-ram sends the pages and digests, RamSender writes them', async () => {
    const start = vi.spyOn(NodeRuntime, 'start');
    const pages = vi.spyOn(RamSender.prototype, 'pages');
    const dir = await tempDir();
    const report = await replayFile(await checkpointThenSettle(dir, 0), { logDir: join(dir, 'logs') });
    expect(report.divergence).toBeUndefined();
    const { primary, secondary } = await startedNodes(start);
    expect(vi.mocked(checkpointRam)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(multifdCheckpointRam)).not.toHaveBeenCalled();
    expect(pages).toHaveBeenCalledTimes(1);
    expect(pages.mock.calls[0]?.[0].length).toBeGreaterThan(40);
    expect(primary.checkpointDigests).toHaveLength(1);
    expect(secondary.state.checkpoints).toBe(1);
    expect(report.findings.filter((f) => f.outcome === 'digest-mismatch')).toEqual([]);
  });

  it('every named counterexample replays through them, with its outcome', async () => {
    const bitmapSync = vi.spyOn(MultifdSendEdge.prototype, 'bitmapSync');
    const drain = vi.spyOn(ChannelReader.prototype, 'drain');
    const dir = await tempDir();
    const effect = vi.spyOn(SecondaryLoad.prototype, 'effect');
    for (const name of ['closedFile', 'releasedCache', 'sendSyncHang', 'recvSyncHang'] as const) {
      bitmapSync.mockClear();
      drain.mockClear();
      effect.mockClear();
      receivers.links.length = 0;
      vi.mocked(readReturnPath).mockClear();
      const report = await replayFile(await saveNamed(dir, name), { logDir: join(dir, name) });
      const multifd = name !== 'closedFile';
      expect({
        name,
        matched: report.matched,
        sameOutcome: report.sameOutcome,
        returnPath: vi.mocked(readReturnPath).mock.calls.length,
        multifdRounds: bitmapSync.mock.calls.length > 0,
        multifdReads: drain.mock.calls.length > 0,
        receivers: receivers.links.length,
        loads: effect.mock.calls.length > 0,
      }).toEqual({
        name,
        matched: true,
        sameOutcome: true,
        returnPath: 1,
        multifdRounds: multifd,
        multifdReads: multifd,
        receivers: 1,
        loads: true,
      });
    }
  }, 120_000); // four checker runs and four replays, on a shared machine

  it('replay/ has no edge of its own for what runtime/node performs: no multifd packet encoder or decoder, no return-path or main-channel decoder, no loads of its own', async () => {
    const dir = join(import.meta.dirname, '../../replay');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
    // decoders (StreamDecoder is RamReceiver's and readReturnPath's), and the secondary's loads: a store
    // into the colo cache, a flush or dirty-log start, a device load or reset, other than SecondaryLoad's
    const standIns =
      /encodeMultifdPacket|MultifdDecoder|encodeVmstate|StreamDecoder|BaseDecoder|DeviceState|(?<!sink)\.(store|storeRun|storePages|storeZero|flush|startDirtyLog)\(/g;
    for (const file of files) {
      const source = await readFile(join(dir, file), 'utf8');
      expect({ file, hits: source.match(standIns) }).toEqual({ file, hits: null });
    }
  });
});
