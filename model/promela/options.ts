import type { NodeRole, NodeThread } from '../../machines/index.js';
import type { ColoAction } from '../colo/index.js';
import { THREAD_BIT } from './codes.js';
import { canWrite, type GlueInput, S, v } from './glue.js';

/** Hands an input to the shared apply block at the end of the step (one copy of it, not one per option). */
const feed = (side: NodeRole, input: string): string =>
  `tSide = ${side === 'primary' ? 1 : 2}; tIn = ${input}`;

/** One option of the main loop: the guard (the action is enabled) and what the step does. */
export interface LoopOption {
  /** The ColoModel action this option is (a Spin trail names it by the option's number). */
  readonly action: ColoAction;
  readonly comment: string;
  readonly guard: string;
  readonly body: string;
}

const SIDES = ['primary', 'secondary'] as const;

/** mainRead of model/colo/links.ts: deliver and error, as guards. */
function mainRead(side: NodeRole) {
  const X = S(side);
  const queue = side === 'primary' ? 'toPn' : 'toSn';
  const peer = side === 'primary' ? 'S' : 'P';
  const local = `(shut${X}m || broken)`;
  const live = `!dead${X} && ${v(side)}Colo`;
  const deliver = `${live} && !${local} && ${queue} > 0`;
  return {
    deliver,
    error: `${live} && !(!${local} && ${queue} > 0) && !err${X} && (${local} || dead${peer} || shut${peer}m)`,
  };
}

/**
 * The actions of ColoModel (model/colo/model.ts: enabled and nextState) as guarded steps, in its order:
 * thread steps, link deliveries and errors, multifd reads, the checkpoint trigger, the faults.
 * @internal
 */
export function loopOptions(glue: GlueInput, peerInput: (side: NodeRole) => string): LoopOption[] {
  const { model, input } = glue;
  const inputs = model.composition.inputs;
  const out: LoopOption[] = [];
  for (const side of SIDES) {
    const X = S(side);
    const x = v(side);
    const stepOf = (thread: NodeThread): ColoAction => ({ t: 'step', side, thread });
    out.push({
      action: stepOf('colo'),
      comment: `${side} COLO thread steps`,
      guard: `!dead${X} && (${x}Threads & ${THREAD_BIT.colo})`,
      body: feed(side, input(inputs.step('colo'))),
    });
    out.push({
      action: stepOf('main-loop'),
      comment: `${side} main loop steps`,
      guard: `!dead${X} && (${x}Threads & ${THREAD_BIT.mainLoop})`,
      body: feed(side, input(inputs.step('main-loop'))),
    });
    for (let i = 0; i < model.channels; i++) {
      const step = feed(side, input(inputs.step(`multifd-${i}`)));
      if (side === 'primary') {
        const fails = `(pCh[${i}] == CH_WRITING && !${canWrite('primary', 'f')})`;
        out.push({
          action: stepOf(`multifd-${i}`),
          comment: `primary multifd send thread ${i} steps (or gets the write error)`,
          guard: `!deadP && ((pThreads & ${THREAD_BIT.multifd(i)}) || ${fails})`,
          body: `if :: ${fails} -> ${feed('primary', input(inputs.multifd(i, 'write-error')))} :: else -> ${step} fi`,
        });
      } else
        out.push({
          action: stepOf(`multifd-${i}`),
          comment: `secondary multifd receive thread ${i} steps`,
          guard: `!deadS && (sThreads & ${THREAD_BIT.multifd(i)})`,
          body: step,
        });
    }
    const read = mainRead(side);
    out.push({
      action: { t: 'deliver', to: side },
      comment: `the link delivers to the ${side}`,
      guard: read.deliver,
      body:
        side === 'primary'
          ? `tItem = toP[0]; popP(); ${peerInput('primary')}`
          : `tItem = toS[0]; popS();
      if
      :: tItem == I_RAM -> ${feed('secondary', input(inputs.io('ram-loaded')))}
      :: tItem == I_DEVICE -> blobs++; ${feed('secondary', input(inputs.io('device-state-received')))}
      :: else -> ${peerInput('secondary')}
      fi`,
    });
    out.push({
      action: { t: 'channel-error', to: side },
      comment: `the ${side} reads a channel error`,
      guard: read.error,
      body: `err${X} = 1; ${feed(side, input(inputs.io('channel-error')))}`,
    });
  }
  for (let i = 0; i < model.channels; i++) {
    const ev = (e: 'packet' | 'sync-packet' | 'eof' | 'read-error') =>
      feed('secondary', input(inputs.multifd(i, e)));
    out.push({
      action: { t: 'multifd', channel: i },
      comment: `multifd channel ${i} delivers to the secondary`,
      guard: `!deadS && sCh[${i}] == CH_READ && (shutSf || broken || mfdn[${i}] > 0 || deadP || shutPf)`,
      body: `if
      :: shutSf || broken -> ${ev('read-error')}
      :: else -> if
        :: mfdn[${i}] > 0 && mfd[${i} * QM] == PK_DATA -> popMfd(${i}); ${ev('packet')}
        :: mfdn[${i}] > 0 && mfd[${i} * QM] == PK_SYNC -> popMfd(${i}); ${ev('sync-packet')}
        :: else -> ${ev('eof')}
        fi
      fi`,
    });
  }
  out.push({
    action: { t: 'trigger' },
    comment: 'checkpoint trigger (colo_checkpoint_event)',
    guard: `triggers < ${model.checkpointBudget} && !deadP && pColo && !pCkev`,
    body: `triggers++; ${feed('primary', input(inputs.timer()))}`,
  });
  return [...out, ...faultOptions(glue)];
}

/**
 * The injector's faults, in the model's own list (ColoModel.faults: the kinds and sides asked for): the
 * guard is what rules the fault out there, the body feeds the QMP command the model feeds
 * (ColoModel.faultInput) or does to the links what machines/link's faultOnLinks does.
 */
function faultOptions(glue: GlueInput): LoopOption[] {
  return glue.model.faults.map((action) => faultOption(glue, action));
}

function faultOption({ model, input }: GlueInput, action: Extract<ColoAction, { t: 'fault' }>): LoopOption {
  const budget = `faults < ${model.faultBudget}`;
  const { fault, side } = action;
  const X = S(side);
  const command = model.faultInput(fault, side);
  const feedCommand = command ? feed(side, input(command)) : '';
  switch (fault) {
    // a QMP command to a live side, nothing else: what it does is the node's (ColoModel.faultInput)
    case 'yank':
    case 'cancel':
      return {
        action,
        comment: `FAULT ${fault === 'yank' ? 'yank' : 'migrate_cancel'} ${side}`,
        guard: `${budget} && !dead${X}`,
        body: `faults++; ${feedCommand}`,
      };
    case 'heartbeat':
      return {
        action,
        comment: `FAULT x-colo-lost-heartbeat ${side}`,
        guard: `${budget} && !dead${X} && !hb${X}`,
        body: `faults++; hb${X} = 1; ${feedCommand}`,
      };

    case 'kill':
      return {
        action,
        comment: `FAULT kill ${side}: what was in flight to it is gone`,
        guard: `${budget} && !dead${X}`,
        body: `faults++; dead${X} = 1; tSide = 0; ${side === 'secondary' ? 'clearS(); clearMfd()' : 'clearP()'}`,
      };
    case 'link-break':
      return {
        action,
        comment: 'FAULT link break',
        guard: `${budget} && !broken`,
        body: 'faults++; broken = 1; tSide = 0; clearS(); clearP(); clearMfd()',
      };
  }
}
