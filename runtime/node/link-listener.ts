import { createServer, type Server, type Socket } from 'node:net';
import { type ErrorCode, type ErrorDetails, LockstepError } from '../errors.js';
import { readHello } from './hello.js';
import { type Link, MAIN_HELLO, parseTcpUri } from './link.js';
import { type LinkSecurity, secureServer } from './link-tls.js';

/** How long a connection may take to say hello, and a partial link to become whole (ms). @public */
export const HANDSHAKE_TIMEOUT_MS = 5_000;

/** Connections allowed in their handshake at once; more are refused at the door. @public */
export const MAX_PENDING_HANDSHAKES = 64;

/** How the destination's listener treats connections that are not its peer. @public */
export interface ListenOptions {
  /** Each connection's time to send its hello, and the link's to complete (default {@link HANDSHAKE_TIMEOUT_MS}). */
  readonly handshakeTimeoutMs?: number;
  /** Hears every refused connection, with the table's error naming why (for the node's log). */
  readonly refused?: (error: LockstepError) => void;
  /** tls-creds: every connection is a TLS session first, and one that fails it is refused. */
  readonly security?: LinkSecurity | undefined;
  /** A server already bound to the address (migrate-incoming's listen happened first); else one is made. */
  readonly server?: Server | undefined;
}

/**
 * The destination side: accepts connections until the main channel and every multifd channel are
 * there, telling them apart by their hello word, then hands the link over, once. Every socket has an
 * error path from the moment it is accepted; a short hello, a reset, an unknown or repeated channel id,
 * a hello that does not come within the handshake timeout, and every connection after the link is
 * complete (migration/socket.c:socket_accept_incoming_migration: "Extra incoming migration connection;
 * ignoring") are closed and reported to `refused`, never thrown.
 * @example
 * ```ts
 * const server = await listenLink('tcp:127.0.0.1:4444', 2, (link) => use(link), {
 *   refused: (error) => console.warn(error.message),
 * });
 * ```
 * @public
 */
export function listenLink(
  uri: string,
  channels: number,
  onLink: (link: Link) => void,
  options: ListenOptions = {},
): Promise<Server> {
  const { host, port } = parseTcpUri(uri);
  const timeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const slots = new Map<number, Socket>();
  /** The TCP socket under each channel (the same socket without TLS), whose handshake timer runs. */
  const raws = new Map<Socket, Socket>();
  let pending = 0;
  let linked = false;

  const refuse = (socket: Socket, code: ErrorCode, details: ErrorDetails) => {
    socket.destroy();
    options.refused?.(new LockstepError(code, details));
  };

  const accepted = (socket: Socket, raw: Socket, from: string, word: number) => {
    if (linked) return refuse(socket, 'extra-connection', { actual: from });
    if (word !== MAIN_HELLO && word >= channels)
      return refuse(socket, 'unknown-channel', { message: from, actual: hex(word), limit: channels });
    if (slots.has(word))
      return refuse(socket, 'duplicate-channel', { message: from, actual: channelName(word) });
    slots.set(word, socket);
    raws.set(socket, raw);
    // a channel that goes away before the link is whole frees its place for the real one
    socket.once('close', () => {
      if (!linked && slots.get(word) === socket) slots.delete(word);
    });
    if (slots.size < channels + 1) return;
    linked = true;
    const sockets = [...slots.values()];
    for (const s of sockets) {
      s.setTimeout(0);
      raws.get(s)?.setTimeout(0);
    }
    const main = slots.get(MAIN_HELLO)!;
    const multifd = Array.from({ length: channels }, (_, id) => slots.get(id)!);
    onLink({ main, multifd });
  };

  const server = options.server ?? createServer();
  server.on('connection', (socket: Socket) => {
    // before anything else: a reset must never be an unhandled 'error' event (the close that follows is the signal)
    socket.on('error', () => {});
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    if (linked) return refuse(socket, 'extra-connection', { actual: from });
    if (pending >= MAX_PENDING_HANDSHAKES)
      return refuse(socket, 'handshake-timeout', { actual: from, limit: 0 });
    socket.setNoDelay(true);
    pending++;
    let said = false; // the hello came (or the connection was refused): the handshake slot is free again
    const settle = () => {
      if (said) return false;
      said = true;
      pending--;
      return true;
    };
    // until the link is whole: a hello that does not come, or a partial link the other channels never join
    socket.setTimeout(timeoutMs, () => {
      if (linked) return;
      settle();
      refuse(socket, 'handshake-timeout', { actual: from, limit: timeoutMs });
    });
    const hello = (channel: Socket) =>
      readHello(channel, (said) => {
        if (!settle()) return;
        if ('short' in said) refuse(channel, 'short-hello', { actual: from, offset: said.short });
        else accepted(channel, socket, from, said.word);
      });
    const { security } = options;
    if (security === undefined) return hello(socket);
    if ('unusable' in security) {
      settle();
      return refuse(socket, 'tls-creds-missing', { actual: from, message: security.unusable });
    }
    // migration/tls.c:migration_tls_channel_process_incoming: the session before the channel's hello
    secureServer(socket, security, from, (result) => {
      if (result instanceof LockstepError) {
        if (!settle()) return;
        socket.destroy();
        return options.refused?.(result);
      }
      result.on('error', () => {});
      hello(result);
    });
  });
  if (options.server?.listening) return Promise.resolve(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // accept failures (EMFILE at the fd limit) are the kernel refusing a connection, not the node's end
      server.on('error', () => {});
      resolve(server);
    });
  });
}

const hex = (word: number) => `0x${word.toString(16).padStart(8, '0')}`;
const channelName = (word: number) => (word === MAIN_HELLO ? 'main' : `multifd ${word}`);

/** strerror(3) of the bind errors a listen meets. */
const STRERROR: Readonly<Record<string, string>> = {
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EAFNOSUPPORT: 'Address family not supported by protocol',
};

/**
 * Binds the migration listener of `uri` now, as QEMU 7.2's migrate-incoming does before it answers
 * (migration/socket.c:socket_start_incoming_migration → util/qemu-sockets.c:inet_listen_saddr). Resolves
 * with the listening server (hand it to {@link listenLink} as `server`), or with QEMU's error text:
 * "Failed to find an available port: Address already in use" for a taken port, "Failed to bind socket:
 * …" for any other bind error.
 * @example
 * ```ts
 * const bound = await bindListener('tcp:127.0.0.1:4444');
 * if (typeof bound === 'string') reply({ error: { class: 'GenericError', desc: bound } });
 * ```
 * @public
 */
export function bindListener(uri: string): Promise<Server | string> {
  const { host, port } = parseTcpUri(uri);
  const server = createServer();
  return new Promise((resolve) => {
    const failed = (error: Error & { code?: string }) => {
      server.close();
      const text = STRERROR[error.code ?? ''] ?? error.message;
      resolve(
        error.code === 'EADDRINUSE'
          ? `Failed to find an available port: ${text}`
          : `Failed to bind socket: ${text}`,
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      server.on('error', () => {});
      resolve(server);
    });
  });
}

const reserved = new WeakMap<object, Server>();

/** Keeps `server` (from {@link bindListener}) for `owner`'s next {@link listenLink}. @public */
export function reserveListener(owner: object, server: Server): void {
  reserved.get(owner)?.close();
  reserved.set(owner, server);
}

/** The server reserved for `owner`, once (undefined if none: listenLink then binds its own). @public */
export function takeReservedListener(owner: object): Server | undefined {
  const server = reserved.get(owner);
  reserved.delete(owner);
  return server;
}
