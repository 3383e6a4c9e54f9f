import type { Effect } from '../../machines/index.js';
import { sha256 } from '../wire/index.js';
import { allPages, takeDirty } from './dirty.js';
import { connectLink, shutdownLink } from './link.js';
import type { NodeRuntime } from './node-runtime.js';
import { RamSender } from './ram-sender.js';
import { readReturnPath } from './return-path.js';

/**
 * The primary's edge: it connects, runs precopy into COLO, and performs the COLO thread's effects on
 * real sockets (colo.c:colo_do_checkpoint_transaction's sends, ram.c's RAM stream).
 * @public
 */
export function attachPrimary(node: NodeRuntime): void {
  let sender: RamSender | undefined;
  let blob = new Uint8Array(0);
  let timer: NodeJS.Timeout | undefined;
  const broken = () => node.input({ kind: 'io', completion: 'channel-error' });
  const guard = (work: Promise<unknown>) => work.catch(broken);

  // colo.c:colo_checkpoint_notify re-arms the delay timer each time it fires
  const arm = () => {
    clearInterval(timer);
    timer = setInterval(() => node.input({ kind: 'timer' }), node.checkpointDelayMs);
    timer.unref();
  };
  node.on('checkpoint-delay', () => {
    if (timer === undefined) return;
    node.input({ kind: 'timer' });
    arm();
  });
  node.on('closing', () => clearInterval(timer));

  node.onEffect((effect: Effect) => {
    switch (effect.kind) {
      case 'connect':
        void guard(
          connectLink(effect.uri, node.options.multifd).then(async (link) => {
            node.link = link;
            sender = new RamSender(link, node.guest);
            readReturnPath(node, link.main);
            await precopy(node, sender);
          }),
        );
        break;
      case 'send':
        // vmstate-size travels with its blob, in send-device-state
        if (effect.message !== 'vmstate-size')
          void guard(sender!.frames([{ kind: 'message', message: effect.message }]));
        break;
      case 'save-device-state':
        blob = node.device.serialise().slice();
        break;
      case 'send-ram':
        void guard(checkpointRam(node, sender!, blob));
        break;
      case 'send-device-state':
        void guard(sender!.frames([{ kind: 'vmstate', blob: Buffer.from(blob) }]));
        break;
      case 'arm-timer':
        arm();
        break;
      case 'shutdown-channels':
        shutdownLink(node.link);
        break;
      case 'qmp-event':
        if (effect.event === 'COLO_EXIT') clearInterval(timer);
        break;
    }
  });
}

/** ram.c:ram_save_complete for one checkpoint: the dirty pages, both digests, EOF. */
async function checkpointRam(node: NodeRuntime, sender: RamSender, blob: Uint8Array): Promise<void> {
  const pages = takeDirty(node.guest.dirty);
  node.ramDigest.update(pages);
  const ram = node.ramDigest.value();
  let bytes = await sender.frames([{ kind: 'header', checkpoint: node.state.checkpoints + 1 }]);
  bytes += await sender.pages(pages);
  bytes += await sender.frames([
    { kind: 'digest', subject: 'ram', sha256: ram },
    { kind: 'digest', subject: 'device', sha256: sha256(blob) },
    { kind: 'eof' },
  ]);
  await sender.drained();
  node.checkpointDigests.push(ram.toString('hex'));
  node.input(
    { kind: 'io', completion: 'ram-sent' },
    { pages: pages.length, bytes, digest: ram.toString('hex') },
  );
}

/** Precopy rounds until the dirty set is small, then the switchover (migration.c:migration_iteration_run). */
async function precopy(node: NodeRuntime, sender: RamSender): Promise<void> {
  node.input({ kind: 'migration', event: 'setup-done' });
  const colo = node.state.source.context.capabilities['x-colo'] === true;
  if (colo && node.options.profile.enableColoCommand) await sender.frames([{ kind: 'enable-colo' }]);
  node.guest.dirty.clearAll();
  let pages = allPages(node.guest.pageCount);
  const small = Math.max(256, node.guest.pageCount / 256);
  for (let round = 0; round < 20 && (round === 0 || pages.length > small); round++) {
    await sender.pages(pages);
    await sender.drained();
    node.input({ kind: 'migration', event: 'pass' });
    pages = takeDirty(node.guest.dirty);
  }
  if (node.options.profile.switchoverThroughDevice) node.input({ kind: 'migration', event: 'switchover' });
  else node.input({ kind: 'migration', event: 'stop-for-completion' });
  pages.push(...takeDirty(node.guest.dirty));
  await sender.pages(pages);
  await sender.frames([{ kind: 'vmstate', blob: Buffer.from(node.device.serialise()) }, { kind: 'eof' }]);
  await sender.drained();
  node.ramDigest.rebuild();
  node.input({ kind: 'migration', event: 'completion-done' });
}
