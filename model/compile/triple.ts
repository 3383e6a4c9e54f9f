/**
 * Numbers below 2^24 as three one-byte characters (low byte first): the compact keys of the node
 * tables (a node as its key parts' indices) and of the table closure's states, which V8 keeps as
 * one-byte strings. `what` names the number in the error past 2^24.
 * @internal
 */
export function pushTriple(codes: number[], n: number, what: string): void {
  if (n >= 1 << 24) throw new Error(`${what}: ${n} is past a compact key's 2^24`);
  codes.push(n & 255, (n >> 8) & 255, n >> 16);
}

/** The number {@link pushTriple} wrote at `at` of `text`. @internal */
export const readTriple = (text: string, at: number): number =>
  text.charCodeAt(at) | (text.charCodeAt(at + 1) << 8) | (text.charCodeAt(at + 2) << 16);
