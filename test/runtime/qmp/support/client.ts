/** A raw QMP test client over a real socket: write any bytes, read "\r\n" lines one at a time. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type QmpServer, type QmpServerOptions, serveQmp } from '../../../../runtime/qmp/index.js';
import { FakeBackend } from './fake-backend.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-qmp-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A server over a fake backend on a unix socket (default) or loopback TCP; closed after the test. */
export async function startServer(
  transport: 'unix' | 'tcp' = 'unix',
  options: QmpServerOptions = {},
): Promise<{ server: QmpServer; backend: FakeBackend }> {
  const backend = new FakeBackend();
  const where =
    transport === 'unix' ? { path: join(await tempDir(), 'qmp.sock') } : { host: '127.0.0.1', port: 0 };
  const server = await serveQmp(backend, where, options);
  cleanups.push(() => server.close());
  return { server, backend };
}

/** The raw client. */
export class RawClient {
  readonly raw: string[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;
  /** The greeting, once read by connect(). */
  greeting: unknown;

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (s: string) => {
      this.buffer += s;
      let at = this.buffer.indexOf('\r\n');
      while (at >= 0) {
        this.raw.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + 2);
        at = this.buffer.indexOf('\r\n');
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  private read = 0;

  /** The next line, parsed; rejects after `ms`. */
  async next(ms = 2000): Promise<unknown> {
    const deadline = Date.now() + ms;
    while (this.read >= this.raw.length) {
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error(`no line within ${ms} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
    return JSON.parse(this.raw[this.read++] as string);
  }

  /** The next `n` lines. */
  async take(n: number, ms = 2000): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next(ms));
    return out;
  }

  /** Writes raw text or bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command object. */
  send(command: unknown): void {
    this.write(`${JSON.stringify(command)}\n`);
  }

  /** Sends a command and returns the next line. */
  async call(command: unknown): Promise<unknown> {
    this.send(command);
    return this.next();
  }
}

/** Connects to the server and reads the greeting; `negotiate` also runs qmp_capabilities (with oob if asked). */
export async function connect(
  server: QmpServer,
  negotiate: false | 'plain' | 'oob' = 'plain',
): Promise<RawClient> {
  const socket = createConnection(server.address as { path: string } & { host: string; port: number });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const client = new RawClient(socket);
  cleanups.push(async () => void socket.destroy());
  client.greeting = await client.next();
  if (negotiate) {
    const reply = await client.call({
      execute: 'qmp_capabilities',
      ...(negotiate === 'oob' ? { arguments: { enable: ['oob'] } } : {}),
    });
    if (JSON.stringify(reply) !== '{"return":{}}')
      throw new Error(`negotiation failed: ${JSON.stringify(reply)}`);
  }
  return client;
}
