import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { run } from './run.js';

/** A node command line that would run, but for its TLS flags. */
async function node(role: 'primary' | 'secondary', ...tls: string[]) {
  const dir = await tempDir('lockstep-tls-flags-');
  const where = role === 'secondary' ? ['--listen', '127.0.0.1:0', '--incoming'] : [];
  return run(
    role,
    '--qmp',
    join(dir, 'q.sock'),
    '--ram',
    '1M',
    '--log',
    join(dir, 'n.jsonl'),
    ...where,
    ...tls,
  );
}

describe('lockstep primary|secondary TLS flags: a bad one exits 2 naming the flag (and the file)', () => {
  it('--tls-hostname or --tls-authz without --tls-creds', async () => {
    const primary = await node('primary', '--tls-hostname', 'localhost');
    expect(primary.code).toBe(2);
    expect(primary.stderr).toBe('lockstep: --tls-hostname needs --tls-creds DIR\n');
    const secondary = await node('secondary', '--tls-authz', 'CN=primary');
    expect(secondary.code).toBe(2);
    expect(secondary.stderr).toBe('lockstep: --tls-authz needs --tls-creds DIR\n');
  });

  it('each flag only on the side QEMU uses it: --tls-authz is the secondary’s, --tls-hostname the primary’s', async () => {
    const primary = await node('primary', '--tls-authz', 'CN=x');
    expect(primary.code).toBe(2);
    expect(primary.stderr).toMatch(/^lockstep: unknown option '--tls-authz'/);
    const secondary = await node('secondary', '--tls-hostname', 'x');
    expect(secondary.code).toBe(2);
    expect(secondary.stderr).toMatch(/^lockstep: unknown option '--tls-hostname'/);
  });

  it('--tls-creds on a folder that does not exist, or a file', async () => {
    const missing = await node('primary', '--tls-creds', '/nonexistent/tls');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('lockstep: --tls-creds: no folder /nonexistent/tls\n');
    const dir = await tempDir('lockstep-tls-file-');
    await writeFile(join(dir, 'ca-cert.pem'), 'x');
    const file = await node('primary', '--tls-creds', join(dir, 'ca-cert.pem'));
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(`lockstep: --tls-creds: ${join(dir, 'ca-cert.pem')} is not a folder\n`);
  });

  it('--tls-creds on a folder without the files: the node does not start, and the message names the missing file', async () => {
    const empty = await tempDir('lockstep-tls-empty-');
    const secondary = await node('secondary', '--tls-creds', empty, '--tls-authz', 'CN=primary');
    expect(secondary.code).toBe(2);
    expect(secondary.stderr).toContain(
      `lockstep: --tls-creds: TLS credentials ${empty} (tls-creds-x509, server endpoint) refused: Unable to access credentials ${join(empty, 'ca-cert.pem')}: No such file or directory`,
    );
    // the CA alone is not enough for a server: its certificate is named
    const caOnly = join(empty, 'ca-only');
    await mkdir(caOnly);
    await writeFile(join(caOnly, 'ca-cert.pem'), 'not a certificate');
    const noCert = await node('secondary', '--tls-creds', caOnly);
    expect(noCert.code).toBe(2);
    expect(noCert.stderr).toContain(`Unable to access credentials ${join(caOnly, 'server-cert.pem')}`);
  });
});
