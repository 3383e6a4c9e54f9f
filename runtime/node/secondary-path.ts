import { channelReads, type Effect } from '../../machines/index.js';
import { encodeMessage } from '../wire/index.js';
import type { WorkerStore } from './channel-worker.js';
import { shutdownLink } from './link.js';
import { listenLink, takeReservedListener } from './link-listener.js';
import { linkSecurityOf } from './link-tls.js';
import type { NodeRuntime } from './node-runtime.js';
import { watchPeer } from './peer-watch.js';
import { type MultifdThreads, RamReceiver } from './ram-receiver.js';
import { SecondaryLoad } from './secondary-load.js';

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
  // the loads: what each page and frame the receiver decodes does to the cache, guest RAM and devices
  const load = new SecondaryLoad(node);
  let receiver: RamReceiver | undefined;
  // the node moved: a receive thread may be back in its read
  node.on('idle', () => receiver?.resume());
  node.gateSteps((thread) => load.gate(thread));

  node.onEffect((effect: Effect) => {
    switch (effect.kind) {
      case 'listen':
        void listenLink(
          effect.uri,
          node.options.multifd,
          (link) => {
            node.link = link;
            watchPeer(node, link.main);
            // a live node applies each page and frame as it arrives: the receiver's sink is the loads'
            receiver = new RamReceiver(
              link,
              node.guest.pageCount,
              load.sink,
              recvThreads(node),
              workerStore(node, () => load.colo()),
              // the live sink applies every page during its read, so the reads can share one buffer each
              true,
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
      case 'system-reset':
      case 'flush-ram-cache':
      case 'load-device-state':
      case 'release-colo-cache':
        load.effect(effect);
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
