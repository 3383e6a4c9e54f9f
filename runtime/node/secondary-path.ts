import { channelReads, type Effect } from '../../machines/index.js';
import { LockstepError } from '../errors.js';
import { DeviceState, PAGE_SIZE } from '../guest/index.js';
import type { Frame } from '../wire/index.js';
import { encodeMessage, sha256 } from '../wire/index.js';
import type { WorkerStore } from './channel-worker.js';
import { shutdownLink } from './link.js';
import { listenLink, takeReservedListener } from './link-listener.js';
import { linkSecurityOf } from './link-tls.js';
import type { NodeRuntime } from './node-runtime.js';
import { watchPeer } from './peer-watch.js';
import { type MultifdThreads, RamReceiver } from './ram-receiver.js';

const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

/** The secondary's COLO thread is in its load section (vmstate_loading: reset, flush, device load). */
const vmstateLoading = (node: NodeRuntime) => node.state.colo?.hasTag('vmstate-loading') === true;

/**
 * The multifd-recv machine's receive threads, fed by the channels: a packet, a SYNC packet or the end of
 * a channel is an input of the node, taken when the thread is in its read (multifd.c:multifd_recv_thread).
 */
function recvThreads(node: NodeRuntime): MultifdThreads {
  return {
    active: () => node.state.colo !== null,
    reading: (channel) => !node.killed && channelReads(node.state, channel),
    packet: (channel, sync) =>
      node.input({ kind: 'multifd', channel, event: sync ? 'sync-packet' : 'packet' }),
    end: (channel, event) => node.input({ kind: 'multifd', channel, event }),
  };
}

/**
 * With `multifdWorkers`, where the channels' workers store (the shared colo cache, the digest's shared
 * staging table) and what this thread records of the pages they stored: the cache's bitmap and the
 * digest's pending marks, as `storePages` and `stagePages` do here without workers.
 */
function workerStore(node: NodeRuntime, colo: () => boolean): WorkerStore | undefined {
  const cache = node.cache!;
  const shared = cache.shared;
  if (shared === undefined) return undefined;
  return {
    cache: shared,
    staged: node.ramDigest.shareStaging(),
    colo: () => colo() && cache.mode === 'colo',
    stored: (pages) => {
      cache.stored(pages);
      node.ramDigest.markStaged(pages);
    },
  };
}

/**
 * The secondary's edge: it listens, loads precopy into guest RAM and the colo cache, then feeds each
 * checkpoint's pages into the cache only (ram.c) and performs the COLO thread's effects: flush, reset,
 * device load, digests checked against the primary's. With multifd, a checkpoint's packets are inputs
 * of the multifd-recv machine (`recvThreads`).
 * @public
 */
export function attachSecondary(node: NodeRuntime): void {
  const cache = node.cache!;
  const expected: { ram?: Buffer | undefined; device?: Buffer | undefined; checkpoint: number } = {
    checkpoint: 0,
  };
  let blob: Uint8Array = new Uint8Array(0);
  let receiver: RamReceiver | undefined;
  // this checkpoint's digest check: the RAM digest is checked once, before the flush (see the gate below)
  let verdict: 'undecided' | 'committed' | 'refused' = 'undecided';
  // the node moved: a receive thread may be back in its read
  node.on('idle', () => receiver?.resume());

  const onFrame = (frame: Frame) => {
    switch (frame.kind) {
      case 'message':
        node.input({ kind: 'peer', message: frame.message });
        break;
      case 'enable-colo':
        node.input({ kind: 'migration', event: 'enable-colo' });
        break;
      case 'header':
        // a checkpoint's digests are its own: one that brings none cannot pass on an earlier one's
        expected.checkpoint = frame.checkpoint;
        expected.ram = undefined;
        expected.device = undefined;
        break;
      case 'digest':
        expected[frame.subject] = Buffer.from(frame.sha256);
        break;
      case 'vmstate':
        if (node.state.colo) deviceStateArrived(Buffer.from(frame.blob));
        else node.device = DeviceState.deserialise(frame.blob); // precopy: devices load at once
        break;
      case 'eof':
        if (node.state.colo) node.input({ kind: 'io', completion: 'ram-loaded' });
        else {
          node.ramDigest.rebuild();
          node.input({ kind: 'migration', event: 'stream-loaded' });
        }
        break;
    }
  };

  // colo.c: qemu_get_buffer(total_size) then VMSTATE_RECEIVED; a blob that will not load is refused
  // before the flush, so the secondary keeps its last complete checkpoint
  const deviceStateArrived = (bytes: Buffer) => {
    blob = bytes;
    const loads = expected.device !== undefined && sha256(bytes).equals(expected.device);
    if (!loads) {
      refuseCheckpoint('device');
      verdict = 'refused';
    }
    node.inputs([
      { input: { kind: 'peer', message: 'vmstate-size', value: bytes.length } },
      { input: { kind: 'io', completion: 'device-state-received' } },
      ...(loads ? [] : [{ input: { kind: 'io', completion: 'load-error' } } as const]),
    ]);
  };

  const refuseCheckpoint = (subject: 'ram' | 'device') =>
    node.refuse(
      new LockstepError('checkpoint-refused', {
        actual: expected.checkpoint,
        message: subject,
        expected: expected[subject]?.toString('hex').slice(0, 16) ?? 'none sent',
        limit: node.state.checkpoints,
      }),
    );
  // the COLO thread is about to flush the colo cache into guest RAM (colo.c:colo_incoming_process_checkpoint):
  // only if the checkpoint's pages hash to the primary's RAM digest; else it is a load error and guest RAM
  // keeps the last checkpoint that matched (the machine leaves COLO; failover is the operator's decision)
  // (decided once per checkpoint: after a refusal the thread's next step takes the load error)
  node.gateSteps((thread) => {
    if (thread !== 'colo' || verdict !== 'undecided' || !vmstateLoading(node)) return 'step';
    verdict = node.ramDigest.commitIf(cache.bitmap.toArray(), expected.ram) ? 'committed' : 'refused';
    if (verdict === 'committed') return 'step';
    refuseCheckpoint('ram');
    return { kind: 'io', completion: 'load-error' };
  });

  node.onEffect((effect: Effect) => {
    switch (effect.kind) {
      case 'listen':
        void listenLink(
          effect.uri,
          node.options.multifd,
          (link) => {
            node.link = link;
            watchPeer(node, link.main);
            const colo = () => node.state.incoming.context.capabilities['x-colo'] === true;
            // in COLO each page is hashed as it arrives (into the digest's staging table, committed at the
            // flush), so the hashing overlaps the transfer instead of following the load
            const storeRun = (first: number, data: Uint8Array) => {
              if (colo()) {
                cache.storeRun(first, data);
                if (cache.mode === 'colo') node.ramDigest.stage(first, data);
              } else {
                for (let i = 0; i < data.byteLength / PAGE_SIZE; i++)
                  node.guest.writePage(first + i, data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), false);
              }
            };
            receiver = new RamReceiver(
              link,
              node.guest.pageCount,
              {
                storeRun,
                storePages: (indexes, data) => {
                  if (!colo() || cache.mode !== 'colo') {
                    for (let i = 0; i < indexes.length; i++)
                      storeRun(indexes[i]!, data.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
                    return;
                  }
                  cache.storePages(indexes, data);
                  node.ramDigest.stagePages(indexes, data);
                },
                storeZero: (index) => {
                  if (!colo()) return node.guest.zeroPage(index, false);
                  cache.storeZero(index);
                  if (cache.mode === 'colo') node.ramDigest.stage(index, ZERO_PAGE);
                },
                frame: onFrame,
                // in COLO the thread sees the error; during precopy the load fails
                // (migration.c:process_incoming_migration_co fail label)
                broken: () =>
                  node.input(
                    node.state.colo
                      ? { kind: 'io', completion: 'channel-error' }
                      : { kind: 'migration', event: 'load-failed' },
                  ),
              },
              recvThreads(node),
              workerStore(node, colo),
            );
            node.input({ kind: 'migration', event: 'load-start' });
          },
          // the listener migrate-incoming bound, and tls-creds (hostile's QMP rows set both)
          {
            refused: (error) => node.refuse(error),
            security: linkSecurityOf(node),
            server: takeReservedListener(node),
          },
        ).then(
          (server) => {
            node.once('closing', () => server.close());
            node.emit('listening', server.address());
          },
          // the port is taken or the address is wrong: the incoming channel fails as QEMU's would
          (error: Error) => {
            node.emit('listen-error', error);
            node.input({ kind: 'migration', event: 'channel-error' });
          },
        );
        break;
      case 'send':
        node.link?.main.write(
          encodeMessage(effect.message as Exclude<typeof effect.message, 'vmstate-size'>),
        );
        break;
      case 'start-dirty-log':
        cache.startDirtyLog();
        break;
      case 'system-reset':
        node.device = DeviceState.reset();
        break;
      case 'flush-ram-cache': {
        // only the pages the primary sent need re-hashing: a page only the SVM dirtied goes back to the
        // primary's image, whose hash the table already holds
        const sent = cache.bitmap.toArray();
        cache.flush(node.guest);
        // the gate committed the staged hashes when it checked the digest
        if (verdict !== 'committed') node.ramDigest.commit(sent);
        verdict = 'undecided';
        break;
      }
      case 'load-device-state': {
        node.device = DeviceState.deserialise(blob);
        const digest = node.ramDigest.value();
        const ram = expected.ram ? digest.equals(expected.ram) : false;
        node.verified.push({ checkpoint: expected.checkpoint, ram, digest: digest.toString('hex') });
        if (!ram && node.options.verify)
          node.emit(
            'fatal',
            new LockstepError('digest-mismatch', {
              message: `checkpoint ${expected.checkpoint} RAM`,
              expected: expected.ram?.toString('hex') ?? 'none',
              actual: digest.toString('hex'),
            }),
          );
        break;
      }
      case 'release-colo-cache':
        cache.release();
        break;
      case 'store-pages':
        // multifd-colo.c: the thread's packet is in the colo cache. Nothing is left to do here: its pages
        // were stored while the thread was in its read, as they came off the socket (QEMU's receive reads
        // the payload straight into the cache, p->iov); the machine says so once the last byte is in
        break;
      case 'shutdown-channels':
        if (effect.scope !== 'main') receiver?.shutdownMultifd();
        if (effect.scope !== 'multifd') shutdownLink(node.link, 'main');
        break;
    }
  });
}
