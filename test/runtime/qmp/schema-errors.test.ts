/**
 * The schema answers bad arguments with QEMU 7.2's own texts; every expected desc below was copied from a
 * real Debian QEMU 7.2 (`qemu-system-x86_64 -machine none -qmp ...`) asked the same thing.
 */
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../../runtime/qmp/schema/validate.js';

const QEMU_7_2_ANSWERS: ReadonlyArray<readonly [string, unknown, string]> = [
  [
    'migrate-set-capabilities',
    { capabilities: 5 },
    "Invalid parameter type for 'capabilities', expected: array",
  ],
  ['migrate-set-capabilities', {}, "Parameter 'capabilities' is missing"],
  ['migrate-set-capabilities', { foo: 1 }, "Parameter 'capabilities' is missing"],
  ['migrate-set-capabilities', { capabilities: [], foo: 1 }, "Parameter 'foo' is unexpected"],
  [
    'migrate-set-capabilities',
    { capabilities: [{ capability: 'bogus', state: true }] },
    "Parameter 'capability' does not accept value 'bogus'",
  ],
  [
    'migrate-set-capabilities',
    { capabilities: [{ capability: 'events', state: 'yes' }] },
    "Invalid parameter type for 'capabilities[0].state', expected: boolean",
  ],
  [
    'migrate-set-capabilities',
    { capabilities: [{ capability: 'events' }] },
    "Parameter 'capabilities[0].state' is missing",
  ],
  [
    'migrate-set-capabilities',
    { capabilities: [{ capability: 'events', state: true, x: 1 }] },
    "Parameter 'capabilities[0].x' is unexpected",
  ],
  [
    'migrate-set-capabilities',
    { capabilities: [5] },
    "Invalid parameter type for 'capabilities[0]', expected: object",
  ],
  [
    'migrate-set-capabilities',
    { capabilities: [[]] },
    "Invalid parameter type for 'capabilities[0]', expected: object",
  ],
  [
    'migrate-set-capabilities',
    { capabilities: [{ capability: 5, state: true }] },
    "Invalid parameter type for 'capabilities[0].capability', expected: string",
  ],
  ['migrate', {}, "Parameter 'uri' is missing"],
  ['migrate', { uri: 5 }, "Invalid parameter type for 'uri', expected: string"],
  ['migrate', { uri: 'tcp:1.2.3.4:5', foo: 1 }, "Parameter 'foo' is unexpected"],
  ['migrate', { uri: 'tcp:1.2.3.4:5', blk: 'x' }, "Invalid parameter type for 'blk', expected: boolean"],
  ['yank', {}, "Parameter 'instances' is missing"],
  ['yank', { instances: 5 }, "Invalid parameter type for 'instances', expected: array"],
  ['yank', { instances: [{ type: 'bogus' }] }, "Parameter 'type' does not accept value 'bogus'"],
  ['yank', { instances: [{ type: 'chardev' }] }, "Parameter 'instances[0].id' is missing"],
  ['query-status', { foo: 1 }, "Parameter 'foo' is unexpected"],
  ['migrate-set-parameters', { 'x-checkpoint-delay': 'a' }, "Parameter 'x-checkpoint-delay' expects uint64"],
  ['migrate-set-parameters', { 'x-checkpoint-delay': -1 }, "Parameter 'x-checkpoint-delay' expects uint32_t"],
  ['migrate-set-parameters', { 'x-checkpoint-delay': 1.5 }, "Parameter 'x-checkpoint-delay' expects uint64"],
  [
    'migrate-set-parameters',
    { 'x-checkpoint-delay': 4294967296 },
    "Parameter 'x-checkpoint-delay' expects uint32_t",
  ],
  ['migrate-set-parameters', { 'multifd-channels': 300 }, "Parameter 'multifd-channels' expects uint8_t"],
  ['migrate-set-parameters', { 'max-bandwidth': 'x' }, "Parameter 'max-bandwidth' expects uint64"],
  ['migrate-set-parameters', { 'max-bandwidth': 1e300 }, "Parameter 'max-bandwidth' expects uint64"],
  [
    'migrate-set-parameters',
    { 'tls-creds': 5 },
    "Invalid parameter type for 'tls-creds', expected: StrOrNull",
  ],
  [
    'migrate-set-parameters',
    { 'multifd-compression': 'bogus' },
    "Parameter 'multifd-compression' does not accept value 'bogus'",
  ],
  [
    'migrate-set-parameters',
    { 'compress-wait-thread': 'x' },
    "Invalid parameter type for 'compress-wait-thread', expected: boolean",
  ],
  ['migrate-set-parameters', { foo: 500 }, "Parameter 'foo' is unexpected"],
  ['migrate-incoming', {}, "Parameter 'uri' is missing"],
  ['migrate-incoming', { uri: 5 }, "Invalid parameter type for 'uri', expected: string"],
  ['migrate_cancel', { foo: 1 }, "Parameter 'foo' is unexpected"],
  ['migrate-continue', {}, "Parameter 'state' is missing"],
  ['migrate-continue', { state: 'bogus' }, "Parameter 'state' does not accept value 'bogus'"],
  ['x-colo-lost-heartbeat', { a: 1 }, "Parameter 'a' is unexpected"],
  ['stop', { a: 1 }, "Parameter 'a' is unexpected"],
  ['cont', { a: 1 }, "Parameter 'a' is unexpected"],
  ['quit', { a: 1 }, "Parameter 'a' is unexpected"],
  ['query-commands', { a: 1 }, "Parameter 'a' is unexpected"],
];

describe('argument validation from the schema', () => {
  it.each(QEMU_7_2_ANSWERS)('%s %j: QEMU 7.2 text', (command, args, desc) => {
    expect(validateCommand(command, args)).toEqual({ ok: false, error: { class: 'GenericError', desc } });
  });

  it('accepts what QEMU accepts and returns the arguments typed', () => {
    const ok = validateCommand('migrate-set-capabilities', {
      capabilities: [{ capability: 'x-colo', state: true }],
    });
    expect(ok).toEqual({
      ok: true,
      command: 'migrate-set-capabilities',
      arguments: { capabilities: [{ capability: 'x-colo', state: true }] },
    });
    expect(validateCommand('yank', { instances: [] }).ok).toBe(true);
    expect(validateCommand('migrate-set-parameters', { 'tls-creds': null, 'downtime-limit': 500 }).ok).toBe(
      true,
    );
    expect(validateCommand('query-status', undefined).ok).toBe(true);
  });

  it('an unknown command is CommandNotFound', () => {
    expect(validateCommand('query-bogus', {})).toEqual({
      ok: false,
      error: { class: 'CommandNotFound', desc: 'The command query-bogus has not been found' },
    });
  });
});
