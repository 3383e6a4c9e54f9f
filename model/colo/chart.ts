import type { Trace } from '../engine/types.js';
import type { ColoModel } from './model.js';
import { type ColoAction, type ColoState, nodeOf } from './state.js';
import { linkHead } from './view.js';

const W = 44;

function coloOf(st: ColoState, side: 'primary' | 'secondary'): string {
  const node = nodeOf(st, side);
  const colo = node.colo ? String(node.colo.value) : '-';
  const mf = node.multifdSend ?? node.multifdRecv;
  const main = mf ? ` mf:${(mf.value as Record<string, string>).main}` : '';
  return `${colo}${main}`;
}

/**
 * A counterexample as a message sequence chart: one line per step, the primary's column on the left,
 * the links in the middle, the secondary's column on the right; each thread step shows the COLO thread
 * (and multifd main) state it left the side in.
 * @public
 */
export function messageSequenceChart(model: ColoModel, trace: Trace<ColoState, ColoAction>): string {
  const lines = [
    `${'primary'.padEnd(W)} | ${'link'.padEnd(30)} | secondary`,
    `${'-'.repeat(W)}-+-${'-'.repeat(30)}-+-${'-'.repeat(W)}`,
  ];
  trace.actions.forEach((a, i) => {
    const after = trace.states[i + 1]!;
    const n = `${String(i + 1).padStart(3)}.`;
    let left = '';
    let mid = '';
    let right = '';
    switch (a.t) {
      case 'step': {
        const text = `${n} ${a.thread} -> ${coloOf(after, a.side)}`;
        if (a.side === 'primary') left = text;
        else right = text;
        break;
      }
      case 'deliver': {
        const before = trace.states[i]!;
        const item = linkHead(before, a.to);
        mid = a.to === 'primary' ? `${n} <-- ${item}` : `${n} ${item} -->`;
        break;
      }
      case 'channel-error':
        mid = a.to === 'primary' ? `${n} <-- channel error` : `${n} channel error -->`;
        break;
      case 'multifd':
        mid = `${n} multifd-${a.channel} -->`;
        break;
      default: {
        const text = `${n} ${model.describeAction(a)}`;
        if (a.t === 'fault' && a.fault === 'link-break') mid = text;
        else if (a.t === 'fault' && a.side === 'secondary') right = text;
        else left = text;
      }
    }
    lines.push(`${left.padEnd(W)} | ${mid.padEnd(30)} | ${right}`);
  });
  if (trace.loopStart !== undefined) lines.push(`(loops back to step ${trace.loopStart})`);
  return lines.join('\n');
}
