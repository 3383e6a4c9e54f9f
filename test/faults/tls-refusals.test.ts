import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockstepError } from '../../runtime/errors.js';
import { connectLink, type Link, type LinkTls, listenLink } from '../../runtime/node/index.js';
import { CLIENT_DN, linkTls, makeCerts, type TestCerts } from './support/tls-certs.js';

let root: string;
let certs: TestCerts;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lockstep-tls-'));
  certs = await makeCerts(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A TLS listener for the main channel and one multifd channel; what it refused, and its link. */
async function listener(server: LinkTls) {
  const refusals: LockstepError[] = [];
  let onRefused = () => {};
  let onLink: (link: Link) => void = () => {};
  const linked = new Promise<Link>((resolve) => {
    onLink = resolve;
  });
  const refused = new Promise<LockstepError>((resolve) => {
    onRefused = () => resolve(refusals[0]!);
  });
  const listening: Server = await listenLink('tcp:127.0.0.1:0', 1, (link) => onLink(link), {
    security: server,
    refused: (error) => {
      refusals.push(error);
      onRefused();
    },
  });
  const uri = `tcp:127.0.0.1:${(listening.address() as AddressInfo).port}`;
  return { uri, linked, refused, refusals, close: () => listening.close() };
}

describe('migration TLS with x509 certificates: who gets a channel', () => {
  it('a client with the CA-signed certificate gets a link (main and multifd over TLS) that tls-authz allows', async () => {
    const side = await listener(
      await linkTls(certs.server, 'server', { authz: { id: 'authz0', identity: CLIENT_DN } }),
    );
    try {
      const link = await connectLink(side.uri, 1, { security: await linkTls(certs.client, 'client') });
      const remote = await side.linked;
      const got = new Promise<Buffer>((resolve) => remote.multifd[0]!.once('data', resolve));
      link.multifd[0]!.write('pages');
      expect((await got).toString()).toBe('pages');
      expect(side.refusals).toEqual([]);
      for (const s of [...link.multifd, link.main]) s.destroy();
    } finally {
      side.close();
    }
  });

  const serverRefuses: Array<[string, keyof TestCerts, 'tls-refused' | 'tls-authz-denied', RegExp, string?]> =
    [
      ['a certificate another CA signed', 'clientOtherCa', 'tls-refused', /not signed by a trusted CA/],
      ['an expired certificate', 'clientExpired', 'tls-refused', /has expired/],
      [
        'a distinguished name tls-authz does not allow',
        'client',
        'tls-authz-denied',
        /'CN=client,O=lockstep'/,
        'CN=operator',
      ],
    ];
  for (const [what, dir, code, why, identity] of serverRefuses)
    it(`the secondary refuses ${what}, naming why`, async () => {
      const side = await listener(
        await linkTls(certs.server, 'server', identity ? { authz: { id: 'authz0', identity } } : {}),
      );
      try {
        // the client may finish its side of the handshake before the server's verdict: it then sees a close
        const client = connectLink(side.uri, 0, { security: await linkTls(certs[dir], 'client') }).catch(
          (error: unknown) => error,
        );
        const error = await side.refused;
        expect(error.code).toBe(code);
        expect(error.message).toMatch(why);
        const link = await client;
        if (link && typeof link === 'object' && 'main' in link) (link as Link).main.destroy();
      } finally {
        side.close();
      }
    });

  const clientRefuses: Array<[string, keyof TestCerts, Partial<LinkTls>, RegExp]> = [
    ['a server its CA did not sign', 'clientTrustsOtherCa', {}, /not signed by a trusted CA/],
    [
      'a server certificate for another host (tls-hostname)',
      'client',
      { hostname: 'wrong.example' },
      /not for this host name/,
    ],
  ];
  for (const [what, dir, extra, why] of clientRefuses)
    it(`the primary refuses ${what}, naming why`, async () => {
      const side = await listener(await linkTls(certs.server, 'server'));
      try {
        const attempt = connectLink(side.uri, 0, { security: await linkTls(certs[dir], 'client', extra) });
        await expect(attempt).rejects.toMatchObject({
          code: 'tls-refused',
          message: expect.stringMatching(why),
        });
      } finally {
        side.close();
      }
    });

  it('a plaintext peer against a TLS listener is refused: it does not speak TLS', async () => {
    const side = await listener(await linkTls(certs.server, 'server'));
    try {
      const link = await connectLink(side.uri, 0);
      link.main.on('error', () => {});
      link.main.write(Buffer.alloc(64, 7)); // the stream that would follow its hello
      const error = await side.refused;
      expect(error.code).toBe('tls-refused');
      expect(error.message).toMatch(/does not speak TLS/);
      link.main.destroy();
    } finally {
      side.close();
    }
  });
});
