import type { ColoMessage, IoCompletion, NodeInput, NodeThread } from '../../machines/index.js';

type MultifdEvent = Extract<NodeInput, { kind: 'multifd' }>['event'];
type QmpInput = Extract<NodeInput, { kind: 'qmp' }>;

/**
 * The inputs a composition feeds its nodes, each one object made once, so a {@link NodeTable} can key
 * its compiled transitions by identity. `all` lists them in order of first use: their index is the
 * input's number in exported tables.
 * @public
 */
export class InputAlphabet {
  readonly all: NodeInput[] = [];
  private readonly byKey = new Map<string, NodeInput>();

  step(thread: NodeThread): NodeInput {
    return this.get(`step ${thread}`, () => ({ kind: 'step', thread }));
  }

  peer(message: ColoMessage): NodeInput {
    return this.get(`peer ${message}`, () => ({ kind: 'peer', message }));
  }

  io(completion: IoCompletion): NodeInput {
    return this.get(`io ${completion}`, () => ({ kind: 'io', completion }));
  }

  multifd(channel: number, event: MultifdEvent): NodeInput {
    return this.get(`multifd ${channel} ${event}`, () => ({ kind: 'multifd', channel, event }));
  }

  timer(): NodeInput {
    return this.get('timer', () => ({ kind: 'timer' }));
  }

  /** A QMP command without arguments; `id` is what the reply echoes (the composition watches it). */
  qmp(command: string, id: string, oob = false): NodeInput {
    return this.get(
      `qmp ${command} ${id} ${oob}`,
      (): QmpInput => ({
        kind: 'qmp',
        command,
        id,
        ...(oob ? { oob } : {}),
      }),
    );
  }

  /** A short name of an input, for generated code and messages. */
  describe(input: NodeInput): string {
    for (const [key, value] of this.byKey) if (value === input) return key;
    return input.kind;
  }

  private get(key: string, make: () => NodeInput): NodeInput {
    let input = this.byKey.get(key);
    if (!input) {
      input = make();
      this.byKey.set(key, input);
      this.all.push(input);
    }
    return input;
  }
}
