import type { ColoMessage, IoCompletion, NodeInput, NodeThread } from '../../machines/index.js';

type MultifdEvent = Extract<NodeInput, { kind: 'multifd' }>['event'];
type QmpInput = Extract<NodeInput, { kind: 'qmp' }>;

/**
 * The inputs a composition feeds its nodes, each one object made once, so a {@link NodeTable} can key
 * its compiled transitions by identity. `all` lists them in order of first use: their index is the
 * input's number in exported tables. Lookups are by the input's own fields (no key strings are built
 * on the checker's hot path).
 * @public
 */
export class InputAlphabet {
  readonly all: NodeInput[] = [];
  private readonly names = new Map<NodeInput, string>();
  private readonly steps = new Map<NodeThread, NodeInput>();
  private readonly peers = new Map<ColoMessage, NodeInput>();
  private readonly completions = new Map<IoCompletion, NodeInput>();
  private readonly channels: Array<Map<MultifdEvent, NodeInput>> = [];
  private readonly commands = new Map<string, NodeInput>();
  private timerInput: NodeInput | undefined;

  step(thread: NodeThread): NodeInput {
    return this.steps.get(thread) ?? this.add(this.steps, thread, `step ${thread}`, { kind: 'step', thread });
  }

  peer(message: ColoMessage): NodeInput {
    return (
      this.peers.get(message) ?? this.add(this.peers, message, `peer ${message}`, { kind: 'peer', message })
    );
  }

  io(completion: IoCompletion): NodeInput {
    return (
      this.completions.get(completion) ??
      this.add(this.completions, completion, `io ${completion}`, { kind: 'io', completion })
    );
  }

  multifd(channel: number, event: MultifdEvent): NodeInput {
    let events = this.channels[channel];
    if (!events) {
      events = new Map();
      this.channels[channel] = events;
    }
    return (
      events.get(event) ??
      this.add(events, event, `multifd ${channel} ${event}`, { kind: 'multifd', channel, event })
    );
  }

  timer(): NodeInput {
    this.timerInput ??= this.name({ kind: 'timer' }, 'timer');
    return this.timerInput;
  }

  /** A QMP command without arguments; `id` is what the reply echoes (the composition watches it). */
  qmp(command: string, id: string, oob = false): NodeInput {
    const key = `qmp ${command} ${id}${oob ? ' oob' : ''}`;
    const input: QmpInput = { kind: 'qmp', command, id, ...(oob ? { oob } : {}) };
    return this.commands.get(key) ?? this.add(this.commands, key, key, input);
  }

  /** A short name of an input, for generated code and messages. */
  describe(input: NodeInput): string {
    return this.names.get(input) ?? input.kind;
  }

  private add<K>(map: Map<K, NodeInput>, key: K, name: string, input: NodeInput): NodeInput {
    map.set(key, input);
    return this.name(input, name);
  }

  private name(input: NodeInput, name: string): NodeInput {
    this.names.set(input, name);
    this.all.push(input);
    return input;
  }
}
