import type { Effect, NodeInput, NodeThread } from '../../machines/index.js';
import { LockstepError } from '../errors.js';
import { type ColoCache, DeviceState, PAGE_SIZE } from '../guest/index.js';
import type { Frame } from '../wire/index.js';
import { sha256 } from '../wire/index.js';
import type { LoggedInput } from './logged-input.js';
import type { NodeRuntime } from './node-runtime.js';
import type { ReceiverSink } from './ram-receiver.js';

const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

/** The secondary's COLO thread is in its load section (vmstate_loading: reset, flush, device load). */
const vmstateLoading = (node: NodeRuntime) => node.state.colo?.hasTag('vmstate-loading') === true;

/**
 * What the secondary does with what it read: the apply half of its receive path, apart from the reads
 * (RamReceiver decodes the channels and hands each page and frame to {@link SecondaryLoad.sink}). A live
 * secondary applies each one as it arrives (attachSecondary); a replay holds them until its trace
 * delivers them, then applies them here, so both run the same loads: pages into the colo cache (hashed
 * into the RamDigest's staging table), the checkpoint's digests, the device blob and its verdict, the
 * flush into guest RAM and the device load (colo.c:colo_incoming_process_checkpoint, ram.c:ram_load_precopy,
 * ram.c:colo_flush_ram_cache).
 * @public
 */
export class SecondaryLoad {
  /** Where RamReceiver's pages and frames are applied, in the order they are handed over. */
  readonly sink: ReceiverSink;
  private readonly cache: ColoCache;
  private readonly expected: { ram?: Buffer | undefined; device?: Buffer | undefined; checkpoint: number } = {
    checkpoint: 0,
  };
  private blob: Uint8Array = new Uint8Array(0);
  // this checkpoint's digest check: the RAM digest is checked once, before the flush (see `gate`)
  private verdict: 'undecided' | 'committed' | 'refused' = 'undecided';

  /** x-colo is on: pages go to the colo cache (and, once it logs dirty pages, into the digest's staging). */
  colo(): boolean {
    return this.node.state.incoming.context.capabilities['x-colo'] === true;
  }

  constructor(private readonly node: NodeRuntime) {
    this.cache = node.cache!; // a secondary NodeRuntime always has its colo cache
    const cache = this.cache;
    const colo = () => this.colo();
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
    this.sink = {
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
      frame: (frame) => this.frame(frame),
      // in COLO the thread sees the error; during precopy the load fails
      // (migration.c:process_incoming_migration_co fail label)
      broken: () =>
        node.input(
          node.state.colo
            ? { kind: 'io', completion: 'channel-error' }
            : { kind: 'migration', event: 'load-failed' },
        ),
    };
  }

  /** The digest the primary sent for this checkpoint's RAM or devices (hex), if it sent one. */
  expectedDigest(subject: 'ram' | 'device'): string | undefined {
    return this.expected[subject]?.toString('hex');
  }

  /** colo.c:colo_receive_message_value(VMSTATE_SIZE): the size read before the device blob. */
  vmstateSize(bytes: Uint8Array): LoggedInput {
    return { input: { kind: 'peer', message: 'vmstate-size', value: bytes.length } };
  }

  /**
   * colo.c: qemu_get_buffer(total_size) then VMSTATE_RECEIVED; a blob that will not load is refused
   * before the flush, so the secondary keeps its last complete checkpoint.
   * @returns the inputs the blob gives the node (received, and a load error when refused).
   */
  deviceState(bytes: Buffer): LoggedInput[] {
    this.blob = bytes;
    const loads = this.expected.device !== undefined && sha256(bytes).equals(this.expected.device);
    if (!loads) {
      this.refuseCheckpoint('device');
      this.verdict = 'refused';
    }
    return [
      { input: { kind: 'io', completion: 'device-state-received' } },
      ...(loads ? [] : [{ input: { kind: 'io', completion: 'load-error' } } as const]),
    ];
  }

  /**
   * NodeRuntime's step gate: the COLO thread is about to flush the colo cache into guest RAM
   * (colo.c:colo_incoming_process_checkpoint): only if the checkpoint's pages hash to the primary's RAM
   * digest; else it is a load error and guest RAM keeps the last checkpoint that matched (the machine
   * leaves COLO; failover is the operator's decision). Decided once per checkpoint: after a refusal the
   * thread's next step takes the load error.
   */
  gate(thread: NodeThread): 'step' | NodeInput {
    if (thread !== 'colo' || this.verdict !== 'undecided' || !vmstateLoading(this.node)) return 'step';
    this.verdict = this.node.ramDigest.commitIf(this.cache.bitmap.toArray(), this.expected.ram)
      ? 'committed'
      : 'refused';
    if (this.verdict === 'committed') return 'step';
    this.refuseCheckpoint('ram');
    return { kind: 'io', completion: 'load-error' };
  }

  /** The COLO thread's load effects on the colo cache, guest RAM and devices; any other effect is not its. */
  effect(effect: Effect): void {
    const { node, cache } = this;
    switch (effect.kind) {
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
        if (this.verdict !== 'committed') node.ramDigest.commit(sent);
        this.verdict = 'undecided';
        break;
      }
      case 'load-device-state': {
        const { expected } = this;
        node.device = DeviceState.deserialise(this.blob);
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
      default:
        break;
    }
  }

  private frame(frame: Frame): void {
    const { node, expected } = this;
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
        // a decoded frame's bytes are its own (the decoder copies them out of a reused read buffer)
        expected[frame.subject] = frame.sha256;
        break;
      case 'vmstate':
        if (node.state.colo) {
          // refused before the batch is offered (deviceState), as one arrival: size, blob, verdict
          const size = this.vmstateSize(frame.blob);
          node.inputs([size, ...this.deviceState(frame.blob)]);
        } else node.device = DeviceState.deserialise(frame.blob); // precopy: devices load at once
        break;
      case 'eof':
        if (node.state.colo) node.input({ kind: 'io', completion: 'ram-loaded' });
        else {
          node.ramDigest.rebuild();
          node.input({ kind: 'migration', event: 'stream-loaded' });
        }
        break;
    }
  }

  private refuseCheckpoint(subject: 'ram' | 'device'): void {
    const { expected } = this;
    this.node.refuse(
      new LockstepError('checkpoint-refused', {
        actual: expected.checkpoint,
        message: subject,
        expected: expected[subject]?.toString('hex').slice(0, 16) ?? 'none sent',
        limit: this.node.state.checkpoints,
      }),
    );
  }
}
