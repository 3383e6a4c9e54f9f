/**
 * One QEMU process of the replay: the state is the fold of its event log through machines/node's
 * `applyInput`, exactly as in NodeRuntime, but nothing steps a thread by itself. The replay's scheduler
 * chooses every input, so the multifd channel threads run as the trace says (NodeRuntime's pump would
 * step them in its own fixed order).
 * @packageDocumentation
 */
import {
  applyInput,
  createNode,
  type Effect,
  type NodeConfig,
  type NodeInput,
  type NodeState,
  type QmpReply,
} from '../machines/index.js';
import { EventLog } from '../runtime/log/index.js';
import type { InputMeta } from '../runtime/node/index.js';
import { startLineOf } from '../runtime/node/index.js';

/** What the edge does with one effect; it may feed the node again (ram-sent, channel-error). @public */
export type EffectHandler = (effect: Effect) => void;

/** An event-sourced node whose inputs are all chosen by the replay's scheduler. @public */
export class ReplayNode {
  /** The node's machines and QEMU objects: the fold of every input logged so far. */
  state: NodeState;
  /** Killed by a fault: it takes no more input and its log ends. */
  dead = false;
  /** The last reply to each QMP id (the faults use fixed ids: `yank`, `hb`, `cancel`). */
  readonly replies = new Map<string, QmpReply>();
  private handler: EffectHandler = () => {};

  private constructor(
    /** What the node was created from (role, profile, multifd, fixes). */
    readonly config: NodeConfig,
    private readonly log: EventLog,
  ) {
    this.state = createNode(config);
  }

  /** Opens the node's log; the first line says what to fold from (role, profile, multifd, fixes). */
  static async open(config: NodeConfig, logPath: string, ramBytes: number): Promise<ReplayNode> {
    const log = await EventLog.create(logPath, { existing: 'next-free' });
    log.append({ type: 'start', data: startLineOf(config, `${ramBytes / 1024}K`) });
    return new ReplayNode(config, log);
  }

  /** The log file. */
  get logPath(): string {
    return this.log.path;
  }

  /** Sets the edge that performs this node's effects. */
  onEffect(handler: EffectHandler): void {
    this.handler = handler;
  }

  /**
   * Logs the input, then applies it and performs its effects in order. An effect may apply a further
   * input at once (the write finished or failed), as the model's composition does.
   */
  apply(input: NodeInput, meta?: InputMeta): void {
    if (this.dead) return;
    this.log.append({ type: input.kind, data: meta ? { input, meta } : { input } });
    const { node, effects } = applyInput(this.state, input);
    this.state = node;
    // the log must not lag what the peer sees: hand it to the OS before any effect leaves the process
    if (effects.length > 0) this.log.flush();
    for (const effect of effects) {
      if (effect.kind === 'qmp-reply') this.replies.set(String(effect.id), effect.reply);
      this.handler(effect);
    }
  }

  /** A crash: no more inputs; the log stays as it is. */
  kill(): void {
    this.dead = true;
    this.log.flush();
  }

  /** Syncs and closes the log. */
  close(): Promise<void> {
    return this.log.close();
  }
}
