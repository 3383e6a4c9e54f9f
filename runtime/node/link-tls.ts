/**
 * Migration TLS as QEMU does it (migration/tls.c, io/channel-tls.c): when `tls-creds` names a
 * tls-creds-x509 object, every migration channel (the main channel with its return path, and each multifd
 * channel) is a TLS session over its TCP connection, set up before the channel's first byte. Both sides
 * verify the other's certificate against the CA of their credentials (verify-peer), the client checks the
 * server's name (tls-hostname, else the URI's host), and the server may hand the client's distinguished
 * name to an authz-simple object (tls-authz). Every failure is a typed refusal naming why.
 * @packageDocumentation
 */
import type { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import {
  checkServerIdentity,
  createServer as createTlsServer,
  TLSSocket,
  type Server as TlsServer,
  connect as tlsConnect,
} from 'node:tls';
import { LockstepError } from '../errors.js';
import type { Link } from './link.js';

/** A link's channels (main, then multifd) and how many of them are TLS sessions. @public */
export function linkChannels(link: Link): { readonly count: number; readonly tls: number } {
  const sockets = [link.main, ...link.multifd];
  return { count: sockets.length, tls: sockets.filter((socket) => socket instanceof TLSSocket).length };
}

/** One side's TLS set-up for its migration channels, from its tls-creds-x509 object and parameters. @public */
export interface LinkTls {
  /** The tls-creds-x509 object's id (for messages). */
  readonly credsId: string;
  /** ca-cert.pem: the CA that signs the peer's certificate. */
  readonly ca: Buffer;
  /** This side's certificate and key (server-*.pem, or client-*.pem if the client has them). */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** verify-peer: check the peer's certificate (a server then requires one). */
  readonly verifyPeer: boolean;
  /** tls-hostname: the name the client expects in the server's certificate (default: the URI's host). */
  readonly hostname?: string;
  /** tls-authz: the authz-simple object on the server side, and the one identity it allows. */
  readonly authz?: { readonly id: string; readonly identity: string };
}

/** What a node's channels use: TLS, or why TLS was asked for but cannot be set up (every channel refused). @public */
export type LinkSecurity = LinkTls | { readonly unusable: string };

const security = new WeakMap<object, LinkSecurity>();

/** Sets (or with null clears) the security of `owner`'s next migration channels (the QMP backend does). @public */
export function setLinkSecurity(owner: object, value: LinkSecurity | null): void {
  if (value === null) security.delete(owner);
  else security.set(owner, value);
}

/** The security `owner`'s channels use; undefined for plain TCP. @public */
export function linkSecurityOf(owner: object): LinkSecurity | undefined {
  return security.get(owner);
}

/** OpenSSL's and Node's codes, in words: why a handshake failed. */
const WHY: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER|SELF_SIGNED_CERT|CERT_SIGNATURE_FAILURE|UNKNOWN_CA/,
    'the certificate is not signed by a trusted CA',
  ],
  [/CERT_HAS_EXPIRED|CERTIFICATE_EXPIRED/, 'the certificate has expired'],
  [/CERT_NOT_YET_VALID/, 'the certificate is not valid yet'],
  [/ALTNAME_INVALID/, 'the certificate is not for this host name'],
  [/CERTIFICATE_REQUIRED|DID_NOT_RETURN_A_CERTIFICATE/, 'the peer sent no certificate'],
  [
    /WRONG_VERSION_NUMBER|HTTP_REQUEST|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER/,
    'the peer does not speak TLS',
  ],
  [/BAD_CERTIFICATE|DECRYPT_ERROR|HANDSHAKE_FAILURE/, "the peer refused this side's certificate"],
  [/ECONNRESET|EPIPE|ECONNABORTED/, 'the peer closed the connection during the handshake'],
];

/** The table's `tls-refused` for a handshake error with `peer`. @public */
export function tlsRefusal(
  peer: string,
  error: { readonly message: string; readonly code?: string },
): LockstepError {
  const code = error.code ?? '';
  const why =
    WHY.find(([pattern]) => pattern.test(code) || pattern.test(error.message))?.[1] ?? error.message;
  return new LockstepError('tls-refused', { actual: peer, message: code ? `${why} (${code})` : why });
}

/** The peer closed the connection before the session was up. */
const CLOSED = { message: 'closed', code: 'ECONNRESET' } as const;

/** A certificate's subject as an RFC 4514 distinguished name, most specific first (as gnutls_x509_crt_get_dn gives it). @public */
export function distinguishedName(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse().join(',');
}

/**
 * The client side of one channel (migration/tls.c:migration_tls_channel_connect): a TLS session over the
 * connected `socket`, the server's certificate checked against the CA and against `tls-hostname` or `host`.
 * @throws LockstepError `tls-refused`.
 */
export function secureClient(socket: Socket, tls: LinkTls, host: string): Promise<TLSSocket> {
  const name = tls.hostname || host;
  const peer = `${host}:${socket.remotePort}`;
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket,
      ca: tls.ca,
      ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      ...(isIP(name) === 0 ? { servername: name } : {}),
      rejectUnauthorized: tls.verifyPeer,
      checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
    });
    const failed = (error: Error) => reject(tlsRefusal(peer, error));
    secure.on('error', failed);
    const closed = () => reject(tlsRefusal(peer, CLOSED));
    secure.once('close', closed);
    secure.once('secureConnect', () => {
      secure.off('error', failed);
      secure.on('error', () => {}); // from now on a reset is the channel's close, seen by its reader
      secure.off('close', closed);
      resolve(secure);
    });
  });
}

/**
 * The server side of one accepted `socket` (migration/tls.c:migration_tls_channel_process_incoming): the
 * session, the client's certificate verified if verify-peer, its distinguished name checked by tls-authz.
 * Calls `done` once, with the TLS socket or the refusal.
 */
export function secureServer(
  socket: Socket,
  tls: LinkTls,
  peer: string,
  done: (result: TLSSocket | LockstepError) => void,
): void {
  let settled = false;
  const settle = (result: TLSSocket | LockstepError) => {
    if (settled) return;
    settled = true;
    done(result);
  };
  // a tls.Server that never listens, handed this one connection (net.Server's 'connection', as documented):
  // it is what checks the client's certificate (authorized, authorizationError); a TLSSocket made by hand
  // leaves it unchecked
  const server: TlsServer = createTlsServer({
    ca: tls.ca,
    ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
    requestCert: tls.verifyPeer,
    rejectUnauthorized: false, // the verdict is ours, so that it is named and counted
  });
  server.on('tlsClientError', (error: Error) => {
    socket.destroy();
    settle(tlsRefusal(peer, error));
  });
  socket.once('close', () => settle(tlsRefusal(peer, CLOSED)));
  server.once('secureConnection', (secure: TLSSocket) => {
    secure.on('error', () => {});
    if (tls.verifyPeer && !secure.authorized) {
      const code = String(secure.authorizationError ?? 'ERR_TLS_CERT_NOT_VERIFIED');
      return settle(tlsRefusal(peer, { message: code, code }));
    }
    if (tls.authz) {
      const cert = secure.getPeerX509Certificate();
      const dn = cert ? distinguishedName(cert) : '(no certificate)';
      // crypto/tlssession.c:qcrypto_tls_session_check_certificate → qauthz_is_allowed_by_id
      if (dn !== tls.authz.identity)
        return settle(
          new LockstepError('tls-authz-denied', { actual: peer, message: tls.authz.id, expected: dn }),
        );
    }
    settle(secure);
  });
  server.emit('connection', socket);
}
