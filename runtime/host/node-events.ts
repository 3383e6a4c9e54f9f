import type { CheckpointStats } from '../node/index.js';

/**
 * Every event a {@link LockstepNode} emits, with its payload. The names are the keys of this map and
 * nothing else: a listener for a name that is not here does not compile.
 * @public
 */
export interface NodeEvents {
  /** QMP's MIGRATION event: the migration status changed (on a primary the source's, on a secondary the incoming side's). */
  readonly migration: { readonly status: string };
  /** QMP's COLO_EXIT: this side's COLO ended (`reason` `request` after a failover, `error` when the peer went). */
  readonly 'colo-exit': { readonly mode: string; readonly reason: string };
  /** The primary completed a checkpoint: its pause, what it sent, and the full-RAM digest of the image (hex). */
  readonly checkpoint: CheckpointStats & { readonly digest: string };
  /** The secondary loaded a checkpoint: its RAM digest (hex) and whether it equals the one the primary sent. */
  readonly 'checkpoint-loaded': {
    readonly checkpoint: number;
    readonly ramMatches: boolean;
    readonly digest: string;
  };
  /** The secondary's migration listener is up (migrate-incoming): where the primary connects. */
  readonly listening: { readonly host: string; readonly port: number };
  /** The node cannot go on (a digest mismatch with `verify`, a listener that failed): stop it. */
  readonly fatal: { readonly error: Error };
  /**
   * The event log could not be written (ENOSPC, EIO): the node takes no input and answers QMP with this
   * error until it can write again; free space on the log's disk.
   */
  readonly 'log-failed': { readonly error: Error };
  /** The event log is written again: the node goes on where it stopped. */
  readonly 'log-recovered': Record<string, never>;
  /** A QMP client sent `quit` (its reply is written): the embedder stops the node, as QEMU exits. */
  readonly quit: Record<string, never>;
}

/** A name of {@link NodeEvents}. @public */
export type NodeEventName = keyof NodeEvents;

/** A listener of one event. @public */
export type NodeEventListener<K extends NodeEventName> = (payload: NodeEvents[K]) => void;

/** Listeners by event name, each list typed by its name. @internal */
export class TypedEvents {
  // one set per name; `on` and `emit` are what keep each set's listeners of that name's payload
  private readonly listeners = new Map<NodeEventName, Set<(payload: never) => void>>();

  /** Adds a listener; the function returned removes it. */
  on<K extends NodeEventName>(event: K, listener: NodeEventListener<K>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls every listener of `event` with `payload`, in the order they were added. */
  emit<K extends NodeEventName>(event: K, payload: NodeEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as NodeEventListener<K>)(payload);
  }
}
