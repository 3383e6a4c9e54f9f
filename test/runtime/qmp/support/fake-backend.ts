/** A fake QmpBackend for the QMP server's tests: a few commands, a hang you release, events you raise. */
import type { QmpBackend, QmpEvent, QmpReply } from '../../../../runtime/qmp/index.js';

/** The fake; `calls` records what the server passed on. */
export class FakeBackend implements QmpBackend {
  readonly calls: { command: string; args: unknown; oob: boolean }[] = [];
  private readonly listeners = new Set<(event: QmpEvent) => void>();
  private readonly hung: (() => void)[] = [];

  async execute(
    command: string,
    args: Readonly<Record<string, unknown>> | undefined,
    { oob }: { oob: boolean },
  ) {
    this.calls.push({ command, args, oob });
    switch (command) {
      case 'query-status':
        return { return: { status: 'running', running: true } };
      case 'echo':
        return { return: args ?? {} };
      case 'sleep': // resolves after arguments.ms
        await new Promise((r) => setTimeout(r, Number(args?.ms ?? 0)));
        return { return: { slept: args?.ms } };
      case 'hang': // a wedged main loop: resolves only on release()
        await new Promise<void>((r) => this.hung.push(r));
        return { return: { released: true } };
      case 'yank':
        return { return: {} };
      case 'throw':
        throw new Error('boom');
      default:
        return {
          error: { class: 'CommandNotFound', desc: `The command ${command} has not been found` },
        } as QmpReply;
    }
  }

  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Raises an event. */
  emit(event: string, data?: Record<string, unknown>): void {
    for (const l of this.listeners) l(data === undefined ? { event } : { event, data });
  }

  /** Releases every hung command. */
  release(): void {
    for (const r of this.hung.splice(0)) r();
  }

  /** How many listeners are subscribed. */
  get subscribers(): number {
    return this.listeners.size;
  }
}
