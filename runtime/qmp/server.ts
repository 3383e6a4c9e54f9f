/**
 * serveQmp: a QMP monitor on a unix socket (mode 0600) or TCP (loopback unless told otherwise), for any
 * number of clients; the greeting, negotiation and framing are here, the commands are the backend's.
 * @packageDocumentation
 */
import { chmod, lstat, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fail } from '../errors.js';
import { QmpSession } from './session.js';
import type { QmpBackend, QmpListen, QmpServer, QmpServerOptions } from './types.js';

/** QEMU's allow-oob commands (qapi/*.json). @internal */
export const DEFAULT_OOB_COMMANDS = ['yank', 'migrate-pause', 'migrate-recover', 'x-oob-test'] as const;

/**
 * Starts a QMP server for `backend` at `where`. On each connection it sends the greeting (monitor/qmp.c:
 * qmp_greeting) and serves until the client leaves or {@link QmpServer.close} is called.
 * @throws LockstepError `qmp-path-not-socket` if `where.path` exists and is not a socket.
 * @throws LockstepError `qmp-socket-in-use` if a process listens on `where.path` (a live monitor is never replaced).
 * @throws LockstepError `qmp-not-loopback` for a TCP host other than loopback without `allowRemote`.
 * @example
 * ```ts
 * const server = await serveQmp(backend, { path: '/run/lockstep/primary.qmp' });
 * // … socat - UNIX-CONNECT:/run/lockstep/primary.qmp
 * await server.close();
 * ```
 * @public
 */
export async function serveQmp(
  backend: QmpBackend,
  where: QmpListen,
  options: QmpServerOptions = {},
): Promise<QmpServer> {
  const version = options.version ?? { major: 11, minor: 0, micro: 0 };
  const greeting = {
    QMP: {
      version: {
        qemu: { micro: version.micro, minor: version.minor, major: version.major },
        package: options.package ?? 'lockstep',
      },
      capabilities: ['oob'],
    },
  };
  const oobCommands = new Set<string>(options.oobCommands ?? DEFAULT_OOB_COMMANDS);
  const clock =
    options.clockMicros ?? (() => Math.round((performance.timeOrigin + performance.now()) * 1000));
  const sessions = new Map<Socket, QmpSession>();

  const server = createServer((socket) => {
    if (!('path' in where)) socket.setNoDelay(true);
    const session = new QmpSession(socket, backend, oobCommands, options.maxInputBytes ?? 1 << 20);
    sessions.set(socket, session);
    socket.on('close', () => sessions.delete(socket));
    socket.on('error', () => socket.destroy());
    session.send(greeting);
  });
  // monitor/monitor.c:monitor_qapi_event_emit skips monitors still negotiating.
  const unsubscribe = backend.onEvent(({ event, data }) => {
    const micros = clock();
    const timestamp = { seconds: Math.floor(micros / 1e6), microseconds: micros % 1e6 };
    for (const session of sessions.values()) if (session.negotiated) session.send({ timestamp, event, data });
  });

  let inode: number | undefined;
  try {
    if (!('path' in where) && !isLoopback(where.host ?? '127.0.0.1') && !options.allowRemote)
      fail('qmp-not-loopback', { actual: `${where.host}:${where.port}` });
    if ('path' in where) await removeStaleSocket(where.path);
    await listen(server, where);
    if ('path' in where) inode = (await lstat(where.path)).ino;
    // util/qemu-sockets.c leaves this to the umask; a control socket must not be world-writable.
    if ('path' in where) await chmod(where.path, 0o600);
  } catch (error) {
    unsubscribe();
    server.close();
    throw error;
  }
  const bound = server.address();
  const address =
    'path' in where
      ? { path: where.path }
      : {
          host: where.host ?? '127.0.0.1',
          port: typeof bound === 'object' && bound ? bound.port : where.port,
        };
  return {
    address,
    close: async () => {
      unsubscribe();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sessions.keys()) socket.destroy();
      await closed;
      // only our own socket: another server may have taken the path since
      if ('path' in where && (await lstat(where.path).catch(() => undefined))?.ino === inode)
        await rm(where.path, { force: true });
    },
  };
}

const listen = (server: Server, where: QmpListen) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in where) server.listen({ path: where.path }, done);
    else server.listen({ host: where.host ?? '127.0.0.1', port: where.port }, done);
  });

/** Whether QMP on `host` stays on this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * util/qemu-sockets.c:unix_listen_saddr unlinks whatever is at the path; here only a socket nobody
 * listens on is removed (a connect that is refused), never a live monitor's, never a file.
 */
async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat === undefined) return;
  if (!stat.isSocket()) fail('qmp-path-not-socket', { path });
  if (await answers(path)) fail('qmp-socket-in-use', { path });
  await rm(path, { force: true });
}

/** Whether a process accepts connections on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
