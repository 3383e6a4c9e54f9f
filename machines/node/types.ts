import type { AnyMachineSnapshot } from 'xstate';
import type { Profile } from '../profiles.js';
import type { ColoExitReason, ColoMessage, ColoMode } from '../vocabulary.js';

/** Which side a node plays in the pair. @public */
export type NodeRole = 'primary' | 'secondary';

/** What a node is built from. @public */
export interface NodeConfig {
  readonly role: NodeRole;
  readonly profile: Profile;
  /** Multifd channels carrying the checkpoints' pages (0 or absent: RAM on the main channel only). */
  readonly multifd?: number;
  /** The fixes of the 2026 series that change this process's behaviour; every one on when absent. */
  readonly fixes?: Partial<NodeFixes>;
}

/**
 * The 2026 COLO fixes as switches (all on by default), so the checker can show each race they close.
 * @public
 */
export interface NodeFixes {
  /** "multifd: Fix hang if send thread errors during sync" (v11 18/21): every exiting send thread kicks main. */
  readonly kickOnExit: boolean;
  /** "Call colo_release_ram_cache() after multifd threads terminate" (v11 09/21). */
  readonly releaseCacheAfterMultifd: boolean;
  /**
   * "Keep s->rp_state.from_dst_file open until migration ends" + "colo: Reuse the return path" (v11 20-21/21):
   * the primary's COLO thread no longer fcloses the return path at `out` without qemu_file_lock.
   */
  readonly returnPathReuse: boolean;
  /** "colo: Use file lock in primary_vm_do_failover()" (v11 19/21). */
  readonly fileLockInFailover: boolean;
  /**
   * Not in the series, proposed by lockstep (off unless asked for): every exiting multifd receive thread
   * posts recv_state->sem_sync, the receive-side twin of `kickOnExit` (the sync hang of reference §7).
   */
  readonly recvKickOnExit: boolean;
}

/** Every fix of the 2026 series on; lockstep's proposed fix off, as in QEMU. @public */
export const ALL_FIXES: NodeFixes = Object.freeze({
  kickOnExit: true,
  releaseCacheAfterMultifd: true,
  returnPathReuse: true,
  fileLockInFailover: true,
  recvKickOnExit: false,
});

/** The fixes a node runs with. @public */
export const fixesOf = (config: NodeConfig): NodeFixes => ({ ...ALL_FIXES, ...config.fixes });

/** The VM's run state as COLO cares about it (runstate.c). @public */
export type VmRunState = 'prelaunch' | 'running' | 'stopped';

/**
 * One QEMU process as the composition of its machines plus the QEMU objects that glue them: the
 * QemuEvents the COLO threads wait on, the VM run state, the failover bottom half, the COLO messages
 * read but not yet consumed, and I/O completions not yet seen by the thread that waits for them.
 * @public
 */
export interface NodeState {
  readonly config: NodeConfig;
  readonly source: AnyMachineSnapshot;
  readonly incoming: AnyMachineSnapshot;
  readonly failover: AnyMachineSnapshot;
  /** The COLO thread (colo-primary or colo-secondary), once started. */
  readonly colo: AnyMachineSnapshot | null;
  readonly vm: VmRunState;
  /** colo_checkpoint_event, colo_exit_event (primary) and colo_incoming_event (secondary). */
  readonly qemuEvents: { readonly checkpoint: boolean; readonly exit: boolean; readonly incoming: boolean };
  /** colo_failover_bh is scheduled and has not run. */
  readonly failoverBh: boolean;
  /** The main loop is in colo_incoming_co, joining the secondary COLO thread (secondary failover). */
  readonly joiningColo: boolean;
  /** COLO messages read from the peer, oldest first, not yet consumed by the COLO thread. */
  readonly inbox: ReadonlyArray<{ readonly message: ColoMessage; readonly value?: number }>;
  /** Completed I/O the COLO thread has not consumed yet (ram-sent, ram-loaded, …). */
  readonly completions: readonly IoCompletion[];
  /** The colo cache exists (ram.c:colo_init_ram_cache) and has not been released. */
  readonly coloCache: 'none' | 'allocated' | 'released';
  readonly lastColoMode: ColoMode;
  readonly lastExitReason: ColoExitReason;
  /** Checkpoints the COLO thread completed (primary: LOADED received; secondary: devices loaded). */
  readonly checkpoints: number;
  /** Precopy passes over dirty memory (MIGRATION_PASS). */
  readonly passes: number;
  /** The primary's multifd send side (multifd-send machine), when the node has multifd channels. */
  readonly multifdSend: AnyMachineSnapshot | null;
  /** The secondary's multifd receive side (multifd-recv machine), when the node has multifd channels. */
  readonly multifdRecv: AnyMachineSnapshot | null;
  /**
   * Where the thread that moves RAM is inside multifd: the primary's qemu_savevm_live_state in multifd_send
   * (`send`) or multifd_send_sync_main (`sync`); the secondary's loader in multifd_recv_sync_main (`sync`).
   */
  readonly ramPhase: 'idle' | 'send' | 'sync';
  /**
   * multifd_send calls the primary's RAM round still makes after the one under way: ram_save_complete
   * calls it once per packet of dirty pages, and the edge says how many packets (`ram-jobs`). 0 unless
   * told, so a round sends one job, as the checker explores it.
   */
  readonly ramJobs: number;
  /**
   * Secondary failover with multifd, after the COLO thread ended: `colo` (colo_incoming_co joins it),
   * `bh` (process_incoming_migration_bh), `destroy` (migration_incoming_state_destroy joins the receive threads).
   */
  readonly joinPhase: 'colo' | 'bh' | 'destroy';
  /**
   * The primary's rp_state.from_dst_file: `open`, `freed` (qemu_fclose done, the pointer not yet NULL) or
   * `null`; `none` before COLO.
   */
  readonly rp: 'none' | 'open' | 'freed' | 'null';
  /** In-band QMP commands waiting for the main loop (it cannot run while a thread blocks holding the BQL). */
  readonly qmpQueue: ReadonlyArray<Extract<NodeInput, { kind: 'qmp' }>>;
}

/** An I/O completion reported back by the edge. @public */
export type IoCompletion =
  | 'ram-sent'
  | 'ram-loaded'
  | 'device-state-received'
  | 'load-error'
  | 'channel-error';

/**
 * An input to a node: everything that happens to it. The runtime appends each one to the node's log
 * before applying it; the state is the fold of the log.
 * @public
 */
export type NodeInput =
  | {
      readonly kind: 'qmp';
      readonly command: string;
      readonly arguments?: Readonly<Record<string, unknown>>;
      /** The QMP `id`, echoed in the reply. */
      readonly id?: unknown;
      /** Sent with `exec-oob`: runs at once, even while the main loop is blocked. */
      readonly oob?: boolean;
    }
  | { readonly kind: 'migration'; readonly event: string }
  | { readonly kind: 'peer'; readonly message: ColoMessage; readonly value?: number }
  | { readonly kind: 'io'; readonly completion: IoCompletion }
  | { readonly kind: 'timer' }
  /**
   * migrate-set-parameters x-checkpoint-delay: the new delay, logged like every input, so a fold knows
   * which delay the node ran with and whether the change re-armed the timer.
   */
  | { readonly kind: 'checkpoint-delay'; readonly ms: number }
  | { readonly kind: 'step'; readonly thread: NodeThread }
  /**
   * ram.c:migration_bitmap_sync at the start of a multifd RAM round (the answer to `bitmap-sync`): the
   * dirty pages fill `jobs` packets, so ram_save_complete calls multifd_send `jobs` times (at least once).
   */
  | { readonly kind: 'ram-jobs'; readonly jobs: number }
  | {
      readonly kind: 'multifd';
      readonly channel: number;
      /** What the channel's socket gave (receive side) or a failed write (send side). */
      readonly event: 'packet' | 'sync-packet' | 'eof' | 'read-error' | 'write-error';
    };

/** The threads of a node a scheduler can step: the COLO thread and the main loop. @public */
export type NodeThread = 'colo' | 'main-loop' | `multifd-${number}`;

/** What a node asks the edge to do. The runtime performs these; the checker books them. @public */
export type Effect =
  | { readonly kind: 'send'; readonly message: ColoMessage }
  | {
      readonly kind:
        | 'send-ram'
        | 'send-device-state'
        | 'save-device-state'
        | 'load-ram'
        | 'receive-device-state'
        | 'start-dirty-log'
        | 'system-reset'
        | 'flush-ram-cache'
        | 'load-device-state'
        | 'arm-timer'
        | 'close-return-path'
        | 'release-colo-cache'
        | 'replication-start'
        | 'replication-checkpoint'
        | 'replication-stop'
        | 'compare-checkpoint';
    }
  | {
      readonly kind: 'shutdown-channels';
      /** `main`: the migration channel and its return path; `all`: also every multifd channel (yank). */
      readonly scope?: 'main' | 'multifd' | 'all';
    }
  /**
   * ram.c:ram_save_complete began a multifd RAM round: the edge syncs the dirty log (the VM is stopped)
   * and answers with a `ram-jobs` input, before any thread steps again.
   */
  | { readonly kind: 'bitmap-sync' }
  /** multifd_send handed the round's next job (one packet's pages) to this channel's p->data. */
  | { readonly kind: 'multifd-job'; readonly channel: number }
  /** A multifd send thread wrote a page batch or a SYNC packet on its channel. */
  | { readonly kind: 'multifd-write'; readonly channel: number; readonly packet: 'data' | 'sync' }
  /** A multifd receive thread stored pages into the colo cache and its bitmap (multifd-colo.c). */
  | { readonly kind: 'store-pages'; readonly channel: number }
  /** A thread dereferenced the primary's return-path QEMUFile (shutdown), `freed` when it was already closed. */
  | { readonly kind: 'file-access'; readonly file: 'rp'; readonly freed: boolean; readonly locked: boolean }
  | {
      readonly kind: 'qmp-event';
      readonly event: string;
      readonly data: Readonly<Record<string, unknown>>;
      /** QEMU sends it even with the `events` capability off (7.2's MIGRATION setup on migrate-incoming). */
      readonly unconditional?: true;
    }
  | { readonly kind: 'qmp-reply'; readonly id: unknown; readonly reply: QmpReply }
  | { readonly kind: 'connect'; readonly uri: string }
  | { readonly kind: 'listen'; readonly uri: string };

/** A QMP reply: `return`, or an error with QEMU's class and description. @public */
export type QmpReply =
  | { readonly return: unknown }
  | {
      readonly error: {
        readonly class: 'GenericError' | 'CommandNotFound' | 'DeviceNotFound';
        readonly desc: string;
      };
    };

/** The result of applying one input: the next state and what the edge must do, in order. @public */
export interface Applied {
  readonly node: NodeState;
  readonly effects: readonly Effect[];
}
