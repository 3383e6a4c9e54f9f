import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a handler answers: a return value, an error, or nothing (the command is swallowed). */
export type FakeAnswer =
  | { readonly return: unknown; readonly delayMs?: number }
  | { readonly error: { readonly class: string; readonly desc: string }; readonly delayMs?: number }
  | 'ignore';

/** How the fake QEMU behaves. */
export interface FakeQmpOptions {
  /** Capabilities in the greeting (default `['oob']`). */
  readonly capabilities?: readonly string[];
  /** Answers by command name; unknown commands get CommandNotFound, as QEMU answers. */
  readonly handlers?: Record<string, (args: Record<string, unknown> | undefined) => FakeAnswer>;
  /** Send nothing at all after accepting (not even the greeting). */
  readonly silent?: boolean;
}

/**
 * A tiny QMP server on a real unix socket in a temp dir, speaking QEMU's framing ("\r\n" after each
 * object). `hang()` makes it behave like a QEMU whose main loop is stuck: in-band commands are read and
 * never answered, while exec-oob is answered (monitor/qmp.c runs OOB in the I/O thread).
 */
export class FakeQmpServer {
  readonly received: Array<Record<string, unknown>> = [];
  private readonly receivedWatchers = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private hung = false;

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly path: string,
    private readonly options: FakeQmpOptions,
  ) {}

  /** Starts listening on `<tmp>/qmp.sock`. */
  static async start(options: FakeQmpOptions = {}): Promise<FakeQmpServer> {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-qmp-'));
    const path = join(dir, 'qmp.sock');
    const server = createServer();
    const fake = new FakeQmpServer(server, dir, path, options);
    server.on('connection', (socket) => fake.accept(socket));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return fake;
  }

  /** Resolves once a client sent `command` (at once if one already did). */
  commandReceived(command: string): Promise<void> {
    const seen = () => this.received.some((c) => (c.execute ?? c['exec-oob']) === command);
    return new Promise((resolve) => {
      if (seen()) return resolve();
      const watch = () => {
        if (!seen()) return;
        this.receivedWatchers.delete(watch);
        resolve();
      };
      this.receivedWatchers.add(watch);
    });
  }

  /** From now on in-band commands get no reply; OOB still answers. */
  hang(): void {
    this.hung = true;
  }

  /** Emits an event to every client with a timestamp (qapi/qmp-event.c:timestamp_put). */
  emit(event: string, data?: Record<string, unknown>, seconds = Math.floor(Date.now() / 1000)): void {
    this.sendAll({ event, ...(data ? { data } : {}), timestamp: { seconds, microseconds: 0 } });
  }

  /** Emits several events in one socket write, so a client reads them in one chunk. */
  emitTogether(events: readonly string[]): void {
    const timestamp = { seconds: Math.floor(Date.now() / 1000), microseconds: 0 };
    const lines = events.map((event) => `${JSON.stringify({ event, timestamp })}\r\n`).join('');
    for (const socket of this.sockets) if (!socket.destroyed) socket.write(lines);
  }

  /** Closes every client and the socket, and removes the temp dir. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    if (this.options.silent) return;
    this.write(socket, {
      QMP: {
        version: { qemu: { major: 7, minor: 2, micro: 22 } },
        capabilities: this.options.capabilities ?? ['oob'],
      },
    });
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines)
        if (line.trim()) this.handle(socket, JSON.parse(line) as Record<string, unknown>);
    });
  }

  private handle(socket: Socket, command: Record<string, unknown>): void {
    this.received.push(command);
    for (const watch of [...this.receivedWatchers]) watch();
    const oob = typeof command['exec-oob'] === 'string';
    const name = String(command.execute ?? command['exec-oob']);
    const id = command.id;
    const args = command.arguments as Record<string, unknown> | undefined;
    if (this.hung && !oob) return;
    const answer: FakeAnswer =
      name === 'qmp_capabilities'
        ? { return: {} }
        : (this.options.handlers?.[name]?.(args) ?? {
            error: { class: 'CommandNotFound', desc: `The command ${name} has not been found` },
          });
    if (answer === 'ignore') return;
    const { delayMs = 0, ...body } = answer;
    setTimeout(() => this.write(socket, { ...body, ...(id === undefined ? {} : { id }) }), delayMs);
  }

  private sendAll(value: unknown): void {
    for (const socket of this.sockets) this.write(socket, value);
  }

  private write(socket: Socket, value: unknown): void {
    if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\r\n`);
  }
}
