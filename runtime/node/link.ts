import { connect, createServer, type Server, type Socket } from 'node:net';
import { fail } from '../errors.js';

/** The first be32 on a connection: the main channel, or a multifd channel's id. */
const MAIN_HELLO = 0xffffffff;

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
  if (!match) fail('bad-uri', { actual: uri, expected: 'tcp:HOST:PORT' });
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

const hello = (value: number) => {
  const word = Buffer.alloc(4);
  word.writeUInt32BE(value);
  return word;
};

function open(host: string, port: number, first: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true }, () => {
      socket.off('error', reject);
      socket.write(hello(first));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The source side: the main channel first, then each multifd channel (migration.c, multifd.c). @public */
export async function connectLink(uri: string, channels: number): Promise<Link> {
  const { host, port } = parseTcpUri(uri);
  const main = await open(host, port, MAIN_HELLO);
  const multifd = await Promise.all(Array.from({ length: channels }, (_, id) => open(host, port, id)));
  return { main, multifd };
}

/**
 * The destination side: accepts connections until the main channel and every multifd channel are
 * there, telling them apart by their hello word, then hands the link over.
 * @public
 */
export function listenLink(uri: string, channels: number, onLink: (link: Link) => void): Promise<Server> {
  const { host, port } = parseTcpUri(uri);
  let main: Socket | undefined;
  const multifd: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.once('readable', function readHello() {
      const word = socket.read(4) as Buffer | null;
      if (!word) return socket.once('readable', readHello);
      const id = word.readUInt32BE();
      if (id === MAIN_HELLO) main = socket;
      else if (id < channels) multifd[id] = socket;
      else return socket.destroy();
      if (main && multifd.filter(Boolean).length === channels) onLink({ main, multifd });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
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
