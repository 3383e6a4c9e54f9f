/**
 * Certificates for `lockstep demo --tls`, made for the run with `@peculiar/x509` over Node's WebCrypto
 * (no openssl needed): a CA, the secondary's server certificate for 127.0.0.1 and localhost, the primary's
 * client certificate, each in a folder laid out as QEMU's tls-creds-x509 `dir` wants it.
 * @packageDocumentation
 */
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { distinguishedName } from '../node/index.js';

/** The folders {@link makeDemoCerts} writes, and the primary's distinguished name (the secondary's tls-authz). */
export interface DemoCerts {
  /** ca-cert.pem, server-cert.pem, server-key.pem. */
  readonly server: string;
  /** ca-cert.pem, client-cert.pem, client-key.pem. */
  readonly client: string;
  /** The client certificate's distinguished name as tls-authz compares it (RFC 4514). */
  readonly clientDn: string;
}

const EC: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

const keyPair = () =>
  webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;

/** Makes a CA and the two nodes' credentials under `root` (valid from an hour ago for two days). */
export async function makeDemoCerts(root: string): Promise<DemoCerts> {
  // loaded only here: @peculiar/x509's container (tsyringe) needs the Reflect metadata polyfill first
  await import('reflect-metadata');
  const {
    BasicConstraintsExtension,
    ExtendedKeyUsage,
    ExtendedKeyUsageExtension,
    KeyUsageFlags,
    KeyUsagesExtension,
    PemConverter,
    SubjectAlternativeNameExtension,
    X509CertificateGenerator,
  } = await import('@peculiar/x509');
  const privatePem = async (key: webcrypto.CryptoKey) =>
    PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
  const notBefore = new Date(Date.now() - DAY_MS / 24);
  const notAfter = new Date(Date.now() + 2 * DAY_MS);
  const caKeys = await keyPair();
  const ca = await X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=lockstep demo CA',
      keys: caKeys,
      notBefore,
      notAfter,
      signingAlgorithm: SIGNING,
      extensions: [
        new BasicConstraintsExtension(true, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      ],
    },
    webcrypto,
  );
  const caPem = ca.toString('pem');
  const leaf = async (role: 'server' | 'client', subject: string) => {
    const keys = await keyPair();
    const cert = await X509CertificateGenerator.create(
      {
        subject,
        issuer: ca.subject,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        notBefore,
        notAfter,
        signingAlgorithm: SIGNING,
        extensions: [
          new BasicConstraintsExtension(false),
          new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
          new ExtendedKeyUsageExtension([
            role === 'server' ? ExtendedKeyUsage.serverAuth : ExtendedKeyUsage.clientAuth,
          ]),
          ...(role === 'server'
            ? [
                new SubjectAlternativeNameExtension([
                  { type: 'ip', value: '127.0.0.1' },
                  { type: 'dns', value: 'localhost' },
                ]),
              ]
            : []),
        ],
      },
      webcrypto,
    );
    const dir = join(root, role);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'ca-cert.pem'), caPem);
    await writeFile(join(dir, `${role}-cert.pem`), cert.toString('pem'));
    await writeFile(join(dir, `${role}-key.pem`), await privatePem(keys.privateKey), { mode: 0o600 });
    return { dir, pem: cert.toString('pem') };
  };
  const server = await leaf('server', 'CN=lockstep demo secondary');
  const client = await leaf('client', 'O=lockstep demo, CN=lockstep demo primary');
  // the name as the secondary will read it off the certificate
  return {
    server: server.dir,
    client: client.dir,
    clientDn: distinguishedName(new X509Certificate(client.pem)),
  };
}
