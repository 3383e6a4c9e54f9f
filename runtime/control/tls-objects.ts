/**
 * The QOM objects migration TLS needs, as QEMU 7.2 keeps them: `tls-creds-x509` (crypto/tlscredsx509.c,
 * its PEM files loaded when the object is added) and `authz-simple` (authz/simple.c, one identity), added
 * by object-add and removed by object-del; and the resolution of the tls-* migration parameters into a
 * channel's {@link LinkSecurity} (migration/tls.c:migration_tls_get_creds).
 * @packageDocumentation
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinkSecurity } from '../node/index.js';
import type { CommandArguments } from '../qmp/schema/commands.js';
import type { MigrationParameters } from './migration-parameters.js';

type Creds = {
  readonly kind: 'tls-creds-x509';
  readonly endpoint: 'client' | 'server';
  readonly verifyPeer: boolean;
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
};
type Authz = { readonly kind: 'authz-simple'; readonly identity: string };

/** strerror(3) of the errors reading credentials meets. */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

/** Reads one credentials file; `optional` ones may be missing (crypto/tlscredsx509.c:qcrypto_tls_creds_get_path). */
function load(dir: string, name: string, optional: boolean): Buffer | undefined | string {
  const path = join(dir, name);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (optional && code === 'ENOENT') return undefined;
    return `Unable to access credentials ${path}: ${STRERROR[code] ?? code}`;
  }
}

/**
 * crypto/tlscredsx509.c:qcrypto_tls_creds_check_cert_times (sanity-check, default on): a certificate of
 * this side that has expired or is not active yet is refused when the object is added (7.2's text, from the
 * real one: "The client certificate DIR/client-cert.pem has expired").
 */
function expired(pem: Buffer, which: string, path: string): string | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return `Unable to import ${which} certificate ${path}`;
  }
  const now = Date.now();
  if (Date.parse(cert.validTo) < now) return `The ${which} certificate ${path} has expired`;
  if (Date.parse(cert.validFrom) > now) return `The ${which} certificate ${path} is not yet active`;
  return null;
}

/** A node's QOM objects for migration TLS. @public */
export class TlsObjects {
  readonly #objects = new Map<string, Creds | Authz>();

  /** object-add of a tls-creds-x509 or authz-simple: null once added, else QEMU's error desc. */
  add(args: CommandArguments<'object-add'>): string | null {
    // qom/object.c:object_property_try_add_child
    if (this.#objects.has(args.id))
      return `attempt to add duplicate property '${args.id}' to object (type 'container')`;
    if (args['qom-type'] === 'authz-simple') {
      this.#objects.set(args.id, { kind: 'authz-simple', identity: args.identity });
      return null;
    }
    if (args.dir === undefined) return "Missing 'dir' property value";
    const endpoint = args.endpoint ?? 'client';
    // crypto/tlscredsx509.c:qcrypto_tls_creds_x509_load: the CA always; a server's certificate and key;
    // a client's only if present
    const files = [
      load(args.dir, 'ca-cert.pem', false),
      load(args.dir, `${endpoint}-cert.pem`, endpoint === 'client'),
      load(args.dir, `${endpoint}-key.pem`, endpoint === 'client'),
    ];
    const problem = files.find((f) => typeof f === 'string');
    if (typeof problem === 'string') return problem;
    const [ca, cert, key] = files as [Buffer, Buffer | undefined, Buffer | undefined];
    if (args['sanity-check'] ?? true) {
      const stale =
        expired(ca, 'CA', join(args.dir, 'ca-cert.pem')) ??
        (cert ? expired(cert, endpoint, join(args.dir, `${endpoint}-cert.pem`)) : null);
      if (stale !== null) return stale;
    }
    this.#objects.set(args.id, {
      kind: 'tls-creds-x509',
      endpoint,
      verifyPeer: args['verify-peer'] ?? true,
      ca,
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
    });
    return null;
  }

  /** object-del: null once removed, else QEMU's error desc. */
  del(id: string): string | null {
    if (!this.#objects.delete(id)) return `object '${id}' not found`;
    return null;
  }

  /**
   * The security of the channels of one migration (migration/tls.c:migration_tls_get_creds): null for plain
   * TCP (tls-creds empty), the credentials and tls-hostname / tls-authz, or why they cannot be used (QEMU
   * fails each channel then, not the command).
   */
  security(parameters: Readonly<MigrationParameters>, endpoint: 'client' | 'server'): LinkSecurity | null {
    const id = parameters['tls-creds'];
    if (id === '') return null;
    const creds = this.#objects.get(id);
    if (creds?.kind !== 'tls-creds-x509') return { unusable: `No TLS credentials with id '${id}'` };
    // crypto/tlscreds.c:qcrypto_tls_creds_check_endpoint
    if (creds.endpoint !== endpoint)
      return { unusable: `Expected TLS credentials for a ${endpoint} endpoint` };
    const authzId = parameters['tls-authz'];
    const authz = authzId === '' ? undefined : this.#objects.get(authzId);
    if (endpoint === 'server' && authzId !== '' && authz?.kind !== 'authz-simple')
      return { unusable: `Cannot find QAuthZ object '${authzId}'` };
    return {
      credsId: id,
      ca: creds.ca,
      ...(creds.cert && creds.key ? { cert: creds.cert, key: creds.key } : {}),
      verifyPeer: creds.verifyPeer,
      ...(endpoint === 'client' && parameters['tls-hostname'] !== ''
        ? { hostname: parameters['tls-hostname'] }
        : {}),
      ...(endpoint === 'server' && authz?.kind === 'authz-simple'
        ? { authz: { id: authzId, identity: authz.identity } }
        : {}),
    };
  }
}
