import { statSync } from 'node:fs';
import type { Profile } from '../../machines/index.js';
import { PROFILE_NAMES, PROFILES } from '../../machines/index.js';
import { LockstepError } from '../../runtime/errors.js';
import { parseRamSize } from '../../runtime/guest/index.js';
import type { StartNodeTls } from '../../runtime/host/index.js';
import type { QmpListen } from '../../runtime/qmp/index.js';
import { parseChoice, UsageError } from '../errors.js';
import { checkSocketPath } from '../io.js';

/** `--profile`: a QEMU version, default qemu-11.0. */
export function parseProfile(value: string | undefined): Profile {
  return PROFILES[parseChoice('profile', value ?? 'qemu-11.0', PROFILE_NAMES)];
}

/** A non-negative integer option, e.g. `--multifd 2`. */
export function parseCount(
  option: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${option} must be an integer ${range}, got "${value}"`);
  return n;
}

/** The most multifd channels the machines model (machines/counters.ts:checkChannels). */
export const MAX_MULTIFD_CHANNELS = 16;

/** `--multifd N`: 0 (pages on the main channel) to 16 channels. */
export function parseMultifd(value: string | undefined): number {
  return parseCount('--multifd', value, 0, 0, MAX_MULTIFD_CHANNELS);
}

/** `--ram`: QEMU's -m syntax; a bad size is a usage error with the runtime's message. */
export function parseRam(value: string | undefined): string {
  const ram = value ?? '256M';
  try {
    parseRamSize(ram);
  } catch (error) {
    if (error instanceof LockstepError) throw new UsageError(`--ram: ${error.message}`);
    throw error;
  }
  return ram;
}

/**
 * `--qmp PATH|HOST:PORT`: a unix socket path, or TCP when it looks like HOST:PORT. `use` says whether the
 * command listens there (a node) or connects (trace attach): the path is checked for that.
 */
export function parseQmpWhere(value: string, use: 'listen' | 'connect' = 'listen'): QmpListen {
  const tcp = /^(\[[^\]]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(value);
  if (tcp && !value.includes('/')) {
    const port = Number(tcp[2]);
    if (port > 65535) throw new UsageError(`--qmp port ${port} is out of range (0-65535)`);
    const host = tcp[1]!.replace(/^\[|\]$/g, '');
    return host === '' ? { port } : { host, port };
  }
  if (value === '') throw new UsageError('--qmp needs a unix socket path or HOST:PORT');
  checkSocketPath('--qmp', value, use);
  return { path: value };
}

/** How a QMP address reads on stderr. */
export function describeQmp(address: { path: string } | { host: string; port: number }): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}

/**
 * `--tls-creds DIR` with `--tls-hostname NAME` (primary) or `--tls-authz DN` (secondary). The folder must
 * exist; its files are read by the node's object-add, whose refusal names the file.
 */
export function parseTls(flags: {
  readonly tlsCreds?: string;
  readonly tlsHostname?: string;
  readonly tlsAuthz?: string;
}): StartNodeTls | undefined {
  const { tlsCreds, tlsHostname, tlsAuthz } = flags;
  if (tlsCreds === undefined) {
    if (tlsHostname !== undefined) throw new UsageError('--tls-hostname needs --tls-creds DIR');
    if (tlsAuthz !== undefined) throw new UsageError('--tls-authz needs --tls-creds DIR');
    return undefined;
  }
  if (tlsCreds === '') throw new UsageError('--tls-creds needs a folder path');
  let folder = false;
  try {
    folder = statSync(tlsCreds).isDirectory();
  } catch {
    throw new UsageError(`--tls-creds: no folder ${tlsCreds}`);
  }
  if (!folder) throw new UsageError(`--tls-creds: ${tlsCreds} is not a folder`);
  if (tlsHostname === '') throw new UsageError('--tls-hostname needs a host name');
  if (tlsAuthz === '')
    throw new UsageError('--tls-authz needs a distinguished name, e.g. CN=primary,O=example');
  return {
    creds: tlsCreds,
    // commander offers --tls-hostname on primary only and --tls-authz on secondary only
    ...(tlsHostname !== undefined ? { hostname: tlsHostname } : {}),
    ...(tlsAuthz !== undefined ? { authz: tlsAuthz } : {}),
  };
}
