import type { NodeRole } from '../../machines/index.js';
import { fail } from '../errors.js';
import type { QmpReply } from '../qmp/index.js';

/** QEMU's tls-creds-x509 folder and the migration parameters that name it. @public */
export interface MigrationTlsSettings {
  /**
   * The tls-creds-x509 `dir`: `ca-cert.pem`, and `server-cert.pem` + `server-key.pem` on a secondary or
   * `client-cert.pem` + `client-key.pem` on a primary.
   */
  readonly creds: string;
  /** A primary's tls-hostname: the name the secondary's certificate must carry (default: the URI's host). */
  readonly hostname?: string;
  /** A secondary's tls-authz identity: the distinguished name a primary's certificate must have, e.g. `CN=primary,O=example`. */
  readonly authz?: string;
}

/** Sends one QMP command to a node and gives back its reply. */
export type QmpExecute = (command: string, args: Record<string, unknown>) => Promise<QmpReply>;

/** The ids of the objects {@link setUpMigrationTls} adds. */
const IDS = { creds: 'tls0', authz: 'authz0' } as const;

/**
 * Migration TLS through QMP, as an operator sets it up on QEMU (docs/runtime.md, migration TLS):
 * object-add tls-creds-x509 (and authz-simple), then migrate-set-parameters. `lockstep primary|secondary
 * --tls-creds` and `lockstep demo --tls` both go through here.
 */
export async function setUpMigrationTls(
  execute: QmpExecute,
  role: NodeRole,
  tls: MigrationTlsSettings,
): Promise<void> {
  const issue = async (command: string, args: Record<string, unknown>) => {
    const reply = await execute(command, args);
    if ('error' in reply) fail('qmp-refused', { message: command, actual: reply.error.desc });
  };
  const endpoint = role === 'primary' ? 'client' : 'server';
  const added = await execute('object-add', {
    'qom-type': 'tls-creds-x509',
    id: IDS.creds,
    dir: tls.creds,
    endpoint,
  });
  // QEMU's text names the file (`Unable to access credentials DIR/ca-cert.pem: No such file or directory`)
  if ('error' in added)
    fail('tls-creds-refused', { path: tls.creds, expected: endpoint, actual: added.error.desc });
  if (tls.authz !== undefined)
    await issue('object-add', { 'qom-type': 'authz-simple', id: IDS.authz, identity: tls.authz });
  await issue('migrate-set-parameters', {
    'tls-creds': IDS.creds,
    ...(tls.hostname !== undefined ? { 'tls-hostname': tls.hostname } : {}),
    ...(tls.authz !== undefined ? { 'tls-authz': IDS.authz } : {}),
  });
}
