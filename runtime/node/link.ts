import { connect, type Socket } from 'node:net';
import { fail, LockstepError } from '../errors.js';
import { type LinkSecurity, secureClient } from './link-tls.js';

/** The first be32 on a connection: the main channel, or a multifd channel's id. @internal */
export const MAIN_HELLO = 0xffffffff;

/** How long the source waits for a channel's TCP connect (a black-holed address never answers). @public */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The migration channels between a primary and a secondary. @public */
export interface Link {
  /** to_dst_file one way, the return path the other (they share one socket, as in QEMU). */
  readonly main: Socket;
  /** Multifd channels by id. */
  readonly multifd: readonly Socket[];
}

/** Parses QEMU's `tcp:HOST:PORT` migration URI. @public */
export function parseTcpUri(uri: string): { host: string; port: number } {
  const match = /^tcp:(\[[^\]]+\]|[^:]+):(\d+)$/.exec(uri);
  if (!match || Number(match[2]) > 65_535) fail('bad-uri', { actual: uri, expected: 'tcp:HOST:PORT' });
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

const hello = (value: number) => {
  const word = Buffer.alloc(4);
  word.writeUInt32BE(value);
  return word;
};

function open(
  host: string,
  port: number,
  first: number,
  timeoutMs: number,
  security: LinkSecurity | undefined,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    // from the moment the socket exists, and for its whole life: a reset after the connect is a close,
    // which the channel's reader or writer sees; it must never be an unhandled 'error' event
    socket.on('error', reject);
    const timedOut = () => {
      socket.destroy();
      reject(new LockstepError('connect-timeout', { actual: `${host}:${port}`, limit: timeoutMs }));
    };
    socket.setTimeout(timeoutMs, timedOut);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('timeout', timedOut);
      if (security === undefined) {
        socket.write(hello(first));
        return resolve(socket);
      }
      // migration/tls.c:migration_tls_channel_connect: the session first, then the channel's bytes
      if ('unusable' in security) {
        socket.destroy();
        return reject(
          new LockstepError('tls-creds-missing', { actual: `${host}:${port}`, message: security.unusable }),
        );
      }
      secureClient(socket, security, host).then(
        (secure) => {
          secure.write(hello(first));
          resolve(secure);
        },
        (error: unknown) => {
          socket.destroy();
          reject(error);
        },
      );
    });
  });
}

/**
 * The source side: the main channel first, then each multifd channel (migration.c, multifd.c). With
 * `security` (tls-creds set) each channel is a TLS session (link-tls.ts: secureClient). If one channel cannot
 * connect, the ones that did are closed and the error is thrown.
 * @public
 */
export async function connectLink(
  uri: string,
  channels: number,
  {
    connectTimeoutMs = CONNECT_TIMEOUT_MS,
    security,
  }: { readonly connectTimeoutMs?: number; readonly security?: LinkSecurity | undefined } = {},
): Promise<Link> {
  const { host, port } = parseTcpUri(uri);
  const main = await open(host, port, MAIN_HELLO, connectTimeoutMs, security);
  const opened = await Promise.allSettled(
    Array.from({ length: channels }, (_, id) => open(host, port, id, connectTimeoutMs, security)),
  );
  const multifd = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.find((o) => o.status === 'rejected');
  if (failed) {
    for (const socket of [main, ...multifd]) socket.destroy();
    throw failed.reason;
  }
  return { main, multifd };
}

/**
 * Shuts channels: reads and writes on them fail from now on. `main` is the migration channel with its
 * return path (failover, migrate_cancel), `multifd` every multifd channel (multifd_recv_terminate_threads),
 * `all` both (yank, the default).
 * @public
 */
export function shutdownLink(link: Link | undefined, scope: 'main' | 'multifd' | 'all' = 'all'): void {
  if (!link) return;
  const sockets = [...(scope === 'multifd' ? [] : [link.main]), ...(scope === 'main' ? [] : link.multifd)];
  for (const socket of sockets) socket.destroy();
}
