/**
 * The first record of every node log: what the node was built from, so a reader folds the rest from the
 * same `createNode` config, and which run the file belongs to.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import {
  ALL_FIXES,
  type NodeConfig,
  type NodeFixes,
  type NodeRole,
  PROFILE_NAMES,
  PROFILES,
  type ProfileName,
} from '../../machines/index.js';
import { fail } from '../errors.js';
import type { LogEvent } from '../log/index.js';

/** The `format` every node log's start line names. @public */
export const NODE_LOG_FORMAT = 'lockstep-node-log';
/** The record layout's version (2: each record carries `len` and `crc`). @public */
export const NODE_LOG_VERSION = 2;

/** The data of a node log's start line. @public */
export interface NodeLogStart {
  readonly format: typeof NODE_LOG_FORMAT;
  readonly version: typeof NODE_LOG_VERSION;
  /** A random id of this run: a log holds exactly one. */
  readonly run: string;
  readonly role: NodeRole;
  readonly profile: ProfileName;
  /** Guest RAM size as given (`256M`). */
  readonly ram: string;
  /** Multifd channels; 0 without multifd. */
  readonly multifd: number;
  /** The fixes the machines ran with, each named. */
  readonly fixes: NodeFixes;
}

/** The start line of a run of a node built from `config`. @public */
export function startLineOf(config: NodeConfig, ram: string): NodeLogStart {
  return {
    format: NODE_LOG_FORMAT,
    version: NODE_LOG_VERSION,
    run: randomUUID(),
    role: config.role,
    profile: config.profile.name,
    ram,
    multifd: config.multifd ?? 0,
    fixes: { ...ALL_FIXES, ...config.fixes },
  };
}

/** The `createNode` config a start line names. @public */
export function configOf(start: NodeLogStart): NodeConfig {
  return {
    role: start.role,
    profile: PROFILES[start.profile],
    ...(start.multifd > 0 ? { multifd: start.multifd } : {}),
    fixes: start.fixes,
  };
}

const isFixes = (v: unknown): v is NodeFixes =>
  typeof v === 'object' &&
  v !== null &&
  Object.keys(ALL_FIXES).every((k) => typeof (v as Record<string, unknown>)[k] === 'boolean');

/**
 * Checks that `event` is a node log's start line and returns its data, typed.
 * @throws LockstepError `log-not-node-log` naming the field that is wrong.
 * @public
 */
export function parseStartLine(event: LogEvent | undefined, path: string): NodeLogStart {
  const bad = (actual: string, expected: string): never =>
    fail('log-not-node-log', { path, line: 1, actual, expected });
  if (event === undefined) return bad('the file holds no whole record', `a "start" record`);
  if (event.type !== 'start') return bad(`a "${event.type}" record`, `a "start" record`);
  const d = event.data as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null) return bad('start data that is not an object', 'an object');
  if (d.format !== NODE_LOG_FORMAT || d.version !== NODE_LOG_VERSION)
    return bad(
      `format ${String(d.format)} version ${String(d.version)}`,
      `format ${NODE_LOG_FORMAT} version ${NODE_LOG_VERSION}`,
    );
  if (d.role !== 'primary' && d.role !== 'secondary')
    return bad(`role ${String(d.role)}`, 'primary or secondary');
  if (!PROFILE_NAMES.some((p) => p === d.profile))
    return bad(`profile ${String(d.profile)}`, PROFILE_NAMES.join(', '));
  if (typeof d.ram !== 'string') return bad(`ram ${String(d.ram)}`, 'a size such as 256M');
  if (!Number.isSafeInteger(d.multifd) || (d.multifd as number) < 0 || (d.multifd as number) > 16)
    return bad(`multifd ${String(d.multifd)}`, '0 to 16');
  if (typeof d.run !== 'string' || d.run.length === 0) return bad('no run id', 'a run id');
  if (!isFixes(d.fixes)) return bad('fixes that do not name every fix', Object.keys(ALL_FIXES).join(', '));
  return d as unknown as NodeLogStart;
}
