/**
 * Test-only certificates, made at test time with the openssl CLI (nothing with a private key is committed):
 * a CA and an intruder's CA, and one credentials folder per role as QEMU's tls-creds-x509 `dir` wants it
 * (ca-cert.pem, server-cert.pem + server-key.pem, or client-cert.pem + client-key.pem).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LinkTls } from '../../../runtime/node/index.js';

/** The folders {@link makeCerts} fills, each a tls-creds-x509 `dir`. */
export interface TestCerts {
  /** The secondary's: the CA, a server certificate for 127.0.0.1 and localhost. */
  readonly server: string;
  /** A client signed by the CA: distinguished name `CN=client,O=lockstep`. */
  readonly client: string;
  /** A client whose certificate the intruder's CA signed (it trusts the real CA, so it accepts the server). */
  readonly clientOtherCa: string;
  /** A client signed by the CA whose certificate expired in 2020. */
  readonly clientExpired: string;
  /** A client with a good certificate that trusts only the intruder's CA (so it refuses the server). */
  readonly clientTrustsOtherCa: string;
}

/** The distinguished name of {@link TestCerts.client}'s certificate, as tls-authz sees it. */
export const CLIENT_DN = 'CN=client,O=lockstep';

const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA in `dir`: ca-key.pem, ca-cert.pem. */
function ca(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca-cert.pem',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

/** A key and a certificate signing request in `dir`. */
function request(dir: string, role: string, subject: string): void {
  openssl(dir, 'req', ...EC, '-keyout', `${role}-key.pem`, '-out', `${role}.csr`, '-subj', subject);
}

/** Signs `dir/role.csr` with the CA in `caDir`, valid now (with the server's names as SANs). */
async function sign(dir: string, role: string, caDir: string): Promise<void> {
  await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${role}.csr`,
    '-CA',
    join(caDir, 'ca-cert.pem'),
    '-CAkey',
    join(caDir, 'ca-key.pem'),
    '-CAcreateserial',
    '-out',
    `${role}-cert.pem`,
    '-days',
    '2',
    ...(role === 'server' ? ['-extfile', 'ext.cnf'] : []),
  );
}

/** Signs `dir/role.csr` with the CA in `caDir`, valid only on 1–2 January 2020 (`openssl ca` sets dates). */
async function signExpired(dir: string, role: string, caDir: string): Promise<void> {
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '01\n');
  await writeFile(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\n` +
      'default_md=sha256\npolicy=p\n[p]\ncommonName=supplied\norganizationName=optional\n',
  );
  openssl(
    dir,
    'ca',
    '-batch',
    '-notext',
    '-config',
    'ca.cnf',
    '-keyfile',
    join(caDir, 'ca-key.pem'),
    '-cert',
    join(caDir, 'ca-cert.pem'),
    '-in',
    `${role}.csr`,
    '-out',
    `${role}-cert.pem`,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
  );
}

/** Makes every folder of {@link TestCerts} under `root` (a temporary folder of the test). */
export async function makeCerts(root: string): Promise<TestCerts> {
  const dirs = Object.fromEntries(
    ['ca', 'otherCa', 'server', 'client', 'clientOtherCa', 'clientExpired', 'clientTrustsOtherCa'].map(
      (name) => [name, join(root, name)],
    ),
  ) as Record<string, string>;
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  ca(dirs.ca!, 'lockstep test CA');
  ca(dirs.otherCa!, 'intruder CA');
  const caCert = await readFile(join(dirs.ca!, 'ca-cert.pem'));
  const subject = { server: '/CN=server', client: '/O=lockstep/CN=client' };
  request(dirs.server!, 'server', subject.server);
  await sign(dirs.server!, 'server', dirs.ca!);
  for (const name of ['client', 'clientOtherCa', 'clientExpired', 'clientTrustsOtherCa']) {
    const dir = dirs[name]!;
    request(dir, 'client', subject.client);
    if (name === 'clientOtherCa') await sign(dir, 'client', dirs.otherCa!);
    else if (name === 'clientExpired') await signExpired(dir, 'client', dirs.ca!);
    else await sign(dir, 'client', dirs.ca!);
  }
  for (const name of ['server', 'client', 'clientOtherCa', 'clientExpired'])
    await writeFile(join(dirs[name]!, 'ca-cert.pem'), caCert);
  await writeFile(
    join(dirs.clientTrustsOtherCa!, 'ca-cert.pem'),
    await readFile(join(dirs.otherCa!, 'ca-cert.pem')),
  );
  return dirs as unknown as TestCerts;
}

/** A folder's credentials as a channel uses them (what the QMP backend builds from tls-creds-x509). */
export async function linkTls(
  dir: string,
  role: 'server' | 'client',
  extra: Partial<LinkTls> = {},
): Promise<LinkTls> {
  const read = (name: string) => readFile(join(dir, name));
  return {
    credsId: 'tls0',
    ca: await read('ca-cert.pem'),
    cert: await read(`${role}-cert.pem`),
    key: await read(`${role}-key.pem`),
    verifyPeer: true,
    ...extra,
  };
}
