/**
 * The device blob (what qemu_save_device_state writes into the checkpoint buffer): CPU registers and
 * device counters in a fixed 4 KiB layout that changes as the guest runs.
 * @packageDocumentation
 */
import { fail } from '../errors.js';
import { digestBytes } from './digest.js';
import type { Prng } from './prng.js';

/** Bytes in a serialised device state. @public */
export const DEVICE_STATE_SIZE = 4096;
const MAGIC = 0x53444b4c; // 'LKDS'
const VERSION = 1;
/** Named 64-bit slots after the 8-byte header. */
/** The CPU registers the simulated device state carries. @public */
export const SLOTS = [
  'rax',
  'rbx',
  'rcx',
  'rdx',
  'rsi',
  'rdi',
  'rbp',
  'rsp',
  'rip',
  'rflags',
  'tsc',
] as const;
/** The device counters the simulated device state carries. @public */
export const COUNTERS = ['timer-ticks', 'irqs', 'net-rx', 'net-tx', 'disk-ops'] as const;
/** Opaque device registers (LAPIC, virtio rings, …) that the guest touches at random. */
const OPAQUE = 8 + (SLOTS.length + COUNTERS.length) * 8;

/** A named register. @public */
export type Register = (typeof SLOTS)[number];
/** A named device counter. @public */
export type DeviceCounter = (typeof COUNTERS)[number];

/** CPU and device state of the guest. @public */
export class DeviceState {
  private readonly view: DataView;

  private constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A freshly reset machine: header written, everything else zero, rip at the reset vector. */
  static reset(): DeviceState {
    const s = new DeviceState(new Uint8Array(DEVICE_STATE_SIZE));
    s.view.setUint32(0, MAGIC, true);
    s.view.setUint32(4, VERSION, true);
    s.view.setBigUint64(8 + 8 * SLOTS.indexOf('rip'), 0xfff0n, true);
    return s;
  }

  /** Rebuilds a state from {@link DeviceState.serialise} output (qemu_load_device_state). */
  static deserialise(bytes: Uint8Array): DeviceState {
    if (bytes.byteLength !== DEVICE_STATE_SIZE)
      fail('bad-length', { message: 'device state', expected: DEVICE_STATE_SIZE, actual: bytes.byteLength });
    const s = new DeviceState(bytes.slice());
    const magic = s.view.getUint32(0, true);
    const version = s.view.getUint32(4, true);
    if (magic !== MAGIC || version !== VERSION)
      fail('bad-device-state', {
        actual: `magic ${magic} version ${version}`,
        expected: `magic ${MAGIC} version ${VERSION}`,
      });
    return s;
  }

  /** A copy of the blob (qemu_save_device_state). */
  serialise(): Uint8Array {
    return this.bytes.slice();
  }

  /** A register's value. */
  register(name: Register): bigint {
    return this.view.getBigUint64(8 + 8 * SLOTS.indexOf(name), true);
  }

  /** A device counter's value. */
  counter(name: DeviceCounter): bigint {
    return this.view.getBigUint64(8 + 8 * (SLOTS.length + COUNTERS.indexOf(name)), true);
  }

  private add(offset: number, n: bigint): void {
    this.view.setBigUint64(offset, BigInt.asUintN(64, this.view.getBigUint64(offset, true) + n), true);
  }

  /** Runs the guest for `ms`: tsc and timer ticks advance, rip moves, registers and device bytes churn. */
  advance(ms: number, rng: Prng): void {
    this.add(8 + 8 * SLOTS.indexOf('tsc'), BigInt(Math.round(ms * 1_000_000)));
    this.add(8 + 8 * SLOTS.indexOf('rip'), BigInt(1 + rng.nextInt(4096)));
    this.add(8 + 8 * (SLOTS.length + COUNTERS.indexOf('timer-ticks')), BigInt(Math.max(1, Math.round(ms))));
    for (let i = 0; i < 4; i++) {
      const slot = rng.nextInt(SLOTS.indexOf('rsp') + 1);
      this.view.setUint32(8 + 8 * slot, rng.nextU32(), true);
      this.add(8 + 8 * (SLOTS.length + 1 + rng.nextInt(COUNTERS.length - 1)), 1n);
      this.bytes[OPAQUE + rng.nextInt(DEVICE_STATE_SIZE - OPAQUE)] = rng.nextU32() & 0xff;
    }
  }

  /** SHA-256 of the blob. */
  digest(): string {
    return digestBytes(this.bytes);
  }
}
