/** Which channel an action or guard of a multifd machine is about. @public */
export interface ChannelParams {
  readonly channel: number;
}

/** @internal Small immutable helpers for the semaphore arrays the multifd machines keep in context. */
export const bump = (values: readonly number[], index: number, by = 1): number[] =>
  values.map((value, i) => (i === index ? value + by : value));

/** @internal Sets one element of an immutable array. */
export const put = <T>(values: readonly T[], index: number, value: T): T[] =>
  values.map((old, i) => (i === index ? value : old));

/** @internal Channel indexes 0..n-1. */
export const channelIndexes = (channels: number): number[] => Array.from({ length: channels }, (_, i) => i);

/** @internal Rejects a channel count the machines cannot model, saying what would work. */
export function checkChannels(machine: string, channels: number): void {
  if (!Number.isInteger(channels) || channels < 1 || channels > 16) {
    throw new RangeError(`${machine}: channels must be an integer from 1 to 16, got ${channels}`);
  }
}
