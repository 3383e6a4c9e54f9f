import {
  awaitsMigrateContinue,
  type Effect,
  inPrecopy,
  migrationStatus,
  takesSwitchover,
} from '../../machines/index.js';
import { waitFor } from '../demo/wait.js';
import { fail, LockstepError } from '../errors.js';
import { checkpointRam, multifdCheckpointRam } from './checkpoint-ram.js';
import { allPages, takeDirty } from './dirty.js';
import { connectLink, type Link, shutdownLink } from './link.js';
import { linkSecurityOf } from './link-tls.js';
import { MultifdSendEdge } from './multifd-send-edge.js';
import type { NodeRuntime } from './node-runtime.js';
import { watchPeer } from './peer-watch.js';
import { RamSender } from './ram-sender.js';
import { readReturnPath } from './return-path.js';

/**
 * The primary's edge: it connects, runs precopy into COLO, and performs the COLO thread's effects on
 * real sockets (colo.c:colo_do_checkpoint_transaction's sends, ram.c's RAM stream). With multifd, a
 * checkpoint's pages go as the multifd-send machine's channel threads write them (`MultifdSendEdge`).
 * @public
 */
export function attachPrimary(node: NodeRuntime): void {
  let sender: RamSender | undefined;
  let blob = new Uint8Array(0);
  let timer: NodeJS.Timeout | undefined;
  const broken = () => node.input({ kind: 'io', completion: 'channel-error' });
  const guard = (work: Promise<unknown>) => work.catch(broken);
  const multifd = new MultifdSendEdge(node, () => sender);
  node.gateSteps((thread) => multifd.gate(thread));

  // colo.c:colo_checkpoint_notify re-arms the delay timer each time it fires
  const arm = () => {
    clearInterval(timer);
    timer = setInterval(() => node.input({ kind: 'timer' }), node.checkpointDelayMs);
    timer.unref();
  };
  node.on('closing', () => clearInterval(timer));

  node.onEffect((effect: Effect) => {
    switch (effect.kind) {
      case 'connect':
        void connectLink(effect.uri, node.options.multifd, { security: linkSecurityOf(node) })
          .then(async (link) => {
            node.link = link;
            sender = new RamSender(link, node.guest);
            wakeOnWrites(node, link);
            readReturnPath(node, link.main);
            watchPeer(node, link.main);
            await precopy(node, sender);
          })
          // the machine decides what the early end means in the status it is in; a refused TLS peer is
          // logged and counted as the listener's refusals are
          .catch((error: unknown) => {
            if (error instanceof LockstepError && error.code.startsWith('tls-')) node.refuse(error);
            node.input({ kind: 'migration', event: 'precopy-ended' });
          });
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
        void guard(
          node.options.multifd > 0
            ? multifdCheckpointRam(node, sender!, blob, multifd)
            : checkpointRam(node, sender!, blob),
        );
        break;
      case 'bitmap-sync':
        multifd.bitmapSync();
        break;
      case 'multifd-job':
        multifd.job(effect.channel);
        break;
      case 'multifd-write':
        // the gate let the step through on a live socket: the write is queued before anything can close it
        multifd.write(effect.channel, effect.packet);
        break;
      case 'send-device-state':
        void guard(sender!.frames([{ kind: 'vmstate', blob: Buffer.from(blob) }]));
        break;
      case 'arm-timer':
        arm();
        break;
      case 'shutdown-channels':
        shutdownLink(node.link, effect.scope);
        break;
      case 'qmp-event':
        if (effect.event !== 'COLO_EXIT') break;
        clearInterval(timer);
        multifd.forget();
        break;
    }
  });
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
    await throttled(node, sender, pages);
    await sender.drained();
    if (inPrecopy(node.state)) node.input({ kind: 'migration', event: 'pass' });
    pages = takeDirty(node.guest.dirty);
  }
  // migration.c:migration_completion_precopy: stop the VM, then switch over (migration_switchover_prepare,
  // 7.2 migration_maybe_pause): the node says whether its profile has the step; with
  // pause-before-switchover, wait in pre-switchover for migrate-continue
  if (takesSwitchover(node.state)) node.input({ kind: 'migration', event: 'switchover' });
  if (awaitsMigrateContinue(node.state))
    await waitFor(node, 'migrate-continue', () => !awaitsMigrateContinue(node.state), 24 * 3600_000);
  node.input({ kind: 'migration', event: 'stop-for-completion' });
  leftPrecopy(node);
  pages.push(...takeDirty(node.guest.dirty));
  await sender.pages(pages);
  await sender.frames([{ kind: 'vmstate', blob: Buffer.from(node.device.serialise()) }, { kind: 'eof' }]);
  await sender.drained();
  node.ramDigest.rebuild();
  node.input({ kind: 'migration', event: 'completion-done' });
}

/** Stops the precopy loop when the migration left precopy (cancelled, failed) under it. */
function leftPrecopy(node: NodeRuntime): void {
  if (!inPrecopy(node.state)) fail('left-precopy', { state: migrationStatus(node.state) });
}

/** max-bandwidth, once set, paces precopy (migration/migration-stats.c rate limit); checkpoints are not paced. */
async function throttled(node: NodeRuntime, sender: RamSender, pages: readonly number[]): Promise<void> {
  const started = performance.now();
  let bytes = 0;
  for (let at = 0; at < pages.length; at += THROTTLE_SLICE) {
    leftPrecopy(node);
    bytes += await sender.pages(pages.slice(at, at + THROTTLE_SLICE));
    const rate = node.maxBandwidth;
    if (rate === null) continue;
    const ahead = (bytes / rate) * 1000 - (performance.now() - started);
    if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
  }
}

const THROTTLE_SLICE = 1024;

/** A channel thread the gate held (its socket congested) can go on once the socket drained or closed. */
function wakeOnWrites(node: NodeRuntime, link: Link): void {
  const wake = () => node.wake();
  for (const socket of link.multifd) socket.on('drain', wake).on('close', wake);
  wake(); // the channel threads start now that their channels are connected
}
