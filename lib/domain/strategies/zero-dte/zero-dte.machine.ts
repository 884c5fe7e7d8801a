import { assign, setup } from 'xstate';
import { nyParts, type NyDate } from '../../market/calendar';
import { comboMid } from '../../market/option-pricing';
import type { EpochMs, MarketBar, OrderLeg } from '../../market/types';
import { closingLegs, costToClose, realizedPnl, roundCents, type Position } from '../position';
import type { MarketTickEvent, PendingOrder, StrategyContextBase, StrategyEvent } from '../strategy';
import {
  ZERO_DTE_DEFAULTS,
  entrySignalProblems,
  entryValidationProblems,
  ironCondorLegs,
  marketDataProblems,
  shortStrikeBreach,
  type ZeroDteSettings,
} from './zero-dte.rules';

export const ZERO_DTE_KIND = 'ZERO_DTE';

export interface EntryProposal {
  readonly legs: readonly OrderLeg[];
  readonly proposedAt: EpochMs;
}

export interface ZeroDteContext extends StrategyContextBase {
  readonly settings: ZeroDteSettings;
  /** The trading day of the current cycle. */
  readonly cycleDate: NyDate | null;
  readonly entryAttempts: number;
  readonly exitAttempts: number;
  readonly proposal: EntryProposal | null;
}

export type ZeroDteEvent = StrategyEvent;

export interface ZeroDteInput {
  readonly strategyId: string;
  readonly settings?: ZeroDteSettings;
}

type PositionAction = { next: 'DEFENSIVE_EXIT' | 'EXITING' | 'MANAGING'; reason: string } | null;

/**
 * What an open position calls for on this bar, in priority order: protect first (halt, breach, stop),
 * then take profit, then the clock. One decision that the guards and the audit reason share; MANAGING has
 * no transition for the 'MANAGING' answer, so there it simply holds.
 */
export function decidePositionAction(context: ZeroDteContext, event: MarketTickEvent): PositionAction {
  const { position, settings } = context;
  const { bar } = event;
  if (!position || marketDataProblems(bar).length > 0) return null;
  if (event.systemMode === 'HALTED') return { next: 'DEFENSIVE_EXIT', reason: 'system is HALTED: open positions exit' };
  const breach = shortStrikeBreach(position.legs, bar);
  if (breach) return { next: 'DEFENSIVE_EXIT', reason: breach };
  const cost = costToClose(position, bar);
  const profit = position.entryCredit - cost;
  if (-profit >= settings.stopLossMultiple * position.entryCredit) {
    return { next: 'DEFENSIVE_EXIT', reason: `loss ${(-profit).toFixed(2)} reached ${settings.stopLossMultiple}x the credit` };
  }
  if (profit >= settings.profitTarget * position.entryCredit) {
    return { next: 'EXITING', reason: `profit ${profit.toFixed(2)} reached ${settings.profitTarget * 100}% of the credit` };
  }
  const { minuteOfDay } = nyParts(bar.time);
  if (minuteOfDay >= settings.closeByMinute) return { next: 'EXITING', reason: 'closing time: everything closes before the expiry' };
  if (minuteOfDay >= settings.managingFromMinute) return { next: 'MANAGING', reason: '15:30 ET: time-based management' };
  return null;
}

function attemptsToday(context: ZeroDteContext, bar: MarketBar): number {
  return context.cycleDate === nyParts(bar.time).date ? context.entryAttempts : 0;
}

function exitOrder(context: ZeroDteContext, time: EpochMs): PendingOrder {
  if (!context.position) throw new Error('exitOrder needs an open position');
  const attempt = context.exitAttempts + 1;
  return {
    clientOrderId: `${context.strategyId}:${context.cycleDate}:exit:${attempt}`,
    purpose: 'EXIT',
    legs: closingLegs(context.position),
    deadline: time + context.settings.orderTimeoutMinutes * 60_000,
  };
}

export const zeroDteMachine = setup({
  types: {
    context: {} as ZeroDteContext,
    events: {} as ZeroDteEvent,
    input: {} as ZeroDteInput,
  },
  guards: {
    hasEntrySignal: ({ context, event }) =>
      event.type === 'market.tick' &&
      entrySignalProblems(event.bar, event.permit, context.settings, attemptsToday(context, event.bar)).length === 0,
    isProposalValid: ({ context, event }) =>
      event.type === 'market.tick' &&
      context.proposal !== null &&
      entryValidationProblems(context.proposal.legs, context.proposal.proposedAt, event.bar, event.permit, context.settings)
        .length === 0,
    isReplyToPendingOrder: ({ context, event }) =>
      (event.type === 'order.filled' && event.fill.clientOrderId === context.order?.clientOrderId) ||
      (event.type === 'order.rejected' && event.clientOrderId === context.order?.clientOrderId),
    isOrderOverdue: ({ context, event }) =>
      event.type === 'market.tick' && context.order !== null && event.bar.time > context.order.deadline,
    isDefensiveExitDue: ({ context, event }) =>
      event.type === 'market.tick' && decidePositionAction(context, event)?.next === 'DEFENSIVE_EXIT',
    isExitDue: ({ context, event }) =>
      event.type === 'market.tick' && decidePositionAction(context, event)?.next === 'EXITING',
    isManagementDue: ({ context, event }) =>
      event.type === 'market.tick' && decidePositionAction(context, event)?.next === 'MANAGING',
    isNewTradingDay: ({ context, event }) =>
      event.type === 'market.tick' && nyParts(event.bar.time).date !== context.cycleDate,
    hasPosition: ({ context }) => context.position !== null,
  },
  actions: {
    proposeIronCondor: assign(({ context, event }) => {
      if (event.type !== 'market.tick') return {};
      const { bar } = event;
      return {
        cycleDate: nyParts(bar.time).date,
        entryAttempts: attemptsToday(context, bar) + 1,
        exitAttempts: 0,
        proposal: { legs: ironCondorLegs(bar, context.settings), proposedAt: bar.time },
        lastReason: `entry signal: SPY ${bar.spy}, VIX ${bar.vix} in the Friday entry window`,
      };
    }),
    sendEntryOrder: assign(({ context, event }) => {
      if (event.type !== 'market.tick' || !context.proposal) return {};
      const credit = comboMid(context.proposal.legs, event.bar);
      return {
        order: {
          clientOrderId: `${context.strategyId}:${context.cycleDate}:entry:${context.entryAttempts}`,
          purpose: 'ENTRY',
          legs: context.proposal.legs,
          deadline: event.bar.time + context.settings.orderTimeoutMinutes * 60_000,
        } satisfies PendingOrder,
        lastReason: `validated: iron condor for about ${credit.toFixed(2)} credit`,
      };
    }),
    discardProposal: assign(({ context, event }) => {
      if (event.type !== 'market.tick' || !context.proposal) return {};
      const { legs, proposedAt } = context.proposal;
      const problems = entryValidationProblems(legs, proposedAt, event.bar, event.permit, context.settings);
      return { proposal: null, lastReason: `validation failed: ${problems.join('; ')}` };
    }),
    openPosition: assign(({ context, event }) => {
      if (event.type !== 'order.filled' || !context.order) return {};
      const { fill } = event;
      return {
        order: null,
        proposal: null,
        position: {
          structure: 'IRON_CONDOR',
          legs: context.order.legs,
          fills: fill.fills,
          contracts: context.settings.contracts,
          entryCredit: fill.netCredit,
          entryTime: fill.time,
        } satisfies Position,
        lastReason: `entry filled for ${fill.netCredit.toFixed(2)} credit`,
      };
    }),
    rollBackEntry: assign(({ event }) => {
      if (event.type !== 'order.rejected') return {};
      return { order: null, proposal: null, lastReason: `entry order rejected (${event.reason}): rolled back, nothing is held` };
    }),
    startExit: assign(({ context, event }) => {
      if (event.type !== 'market.tick') return {};
      const decision = decidePositionAction(context, event);
      return {
        order: exitOrder(context, event.bar.time),
        exitAttempts: context.exitAttempts + 1,
        lastReason: decision?.reason ?? null,
      };
    }),
    startOperatorExit: assign(({ context, event }) => {
      if (event.type !== 'operator.defensiveExit') return {};
      return {
        order: exitOrder(context, event.time),
        exitAttempts: context.exitAttempts + 1,
        lastReason: event.reason,
      };
    }),
    noteManagement: assign({ lastReason: '15:30 ET: time-based management' }),
    closePosition: assign(({ context, event }) => {
      if (event.type !== 'order.filled' || !context.position) return {};
      const pnl = realizedPnl(context.position, event.fill);
      return {
        order: null,
        position: null,
        realizedPnl: roundCents(context.realizedPnl + pnl),
        lastReason: `closed for ${(-event.fill.netCredit).toFixed(2)} debit: P&L ${pnl.toFixed(2)} USD`,
      };
    }),
    failExit: assign(({ event }) => {
      if (event.type !== 'order.rejected') return {};
      return { order: null, lastReason: `exit order rejected (${event.reason}): the position is still open` };
    }),
    timeOutOrder: assign(({ context }) => ({
      order: null,
      lastReason: `order ${context.order?.clientOrderId} did not complete within ${context.settings.orderTimeoutMinutes} minutes`,
    })),
    startNextCycle: assign({ proposal: null, lastReason: 'a new trading day' }),
  },
}).createMachine({
  id: 'zeroDte',
  description: '0DTE Friday: an SPY iron condor opened and closed on the same Friday.',
  initial: 'WAITING',
  context: ({ input }) => ({
    strategyId: input.strategyId,
    settings: input.settings ?? ZERO_DTE_DEFAULTS,
    cycleDate: null,
    entryAttempts: 0,
    exitAttempts: 0,
    proposal: null,
    order: null,
    position: null,
    realizedPnl: 0,
    lastReason: null,
  }),
  states: {
    WAITING: {
      description: 'Flat. Waits for a Friday 10:30-11:00 ET bar with VIX above 22 and the coordinator\'s permit.',
      on: { 'market.tick': { guard: 'hasEntrySignal', target: 'VALIDATION', actions: 'proposeIronCondor' } },
    },
    VALIDATION: {
      description: 'Checks the proposed condor against the next bar: fresh sane data, credit, strikes, permit.',
      on: {
        'market.tick': [
          { guard: 'isProposalValid', target: 'ENTERING', actions: 'sendEntryOrder' },
          { target: 'WAITING', actions: 'discardProposal' },
        ],
      },
    },
    ENTERING: {
      description: 'The four legs are sent as one combo order; a rejection rolls back to WAITING.',
      on: {
        'order.filled': { guard: 'isReplyToPendingOrder', target: 'ACTIVE', actions: 'openPosition' },
        'order.rejected': { guard: 'isReplyToPendingOrder', target: 'WAITING', actions: 'rollBackEntry' },
        'market.tick': { guard: 'isOrderOverdue', target: 'ERROR', actions: 'timeOutOrder' },
      },
    },
    ACTIVE: {
      description: 'Holds the condor: exits on a breach, stop, halt or profit target; manages from 15:30 ET.',
      on: {
        'market.tick': [
          { guard: 'isDefensiveExitDue', target: 'DEFENSIVE_EXIT', actions: 'startExit' },
          { guard: 'isExitDue', target: 'EXITING', actions: 'startExit' },
          { guard: 'isManagementDue', target: 'MANAGING', actions: 'noteManagement' },
        ],
        'operator.defensiveExit': { target: 'DEFENSIVE_EXIT', actions: 'startOperatorExit' },
      },
    },
    MANAGING: {
      description: 'Last half hour: takes profit or closes everything by 15:45 ET.',
      on: {
        'market.tick': [
          { guard: 'isDefensiveExitDue', target: 'DEFENSIVE_EXIT', actions: 'startExit' },
          { guard: 'isExitDue', target: 'EXITING', actions: 'startExit' },
        ],
        'operator.defensiveExit': { target: 'DEFENSIVE_EXIT', actions: 'startOperatorExit' },
      },
    },
    DEFENSIVE_EXIT: {
      description: 'Risk-triggered close of every leg.',
      on: {
        'order.filled': { guard: 'isReplyToPendingOrder', target: 'COMPLETE', actions: 'closePosition' },
        'order.rejected': { guard: 'isReplyToPendingOrder', target: 'ERROR', actions: 'failExit' },
        'market.tick': { guard: 'isOrderOverdue', target: 'ERROR', actions: 'timeOutOrder' },
      },
    },
    EXITING: {
      description: 'Planned close of every leg.',
      on: {
        'order.filled': { guard: 'isReplyToPendingOrder', target: 'COMPLETE', actions: 'closePosition' },
        'order.rejected': { guard: 'isReplyToPendingOrder', target: 'ERROR', actions: 'failExit' },
        'market.tick': { guard: 'isOrderOverdue', target: 'ERROR', actions: 'timeOutOrder' },
      },
    },
    COMPLETE: {
      description: 'The cycle is closed; the next trading day starts a new one.',
      on: { 'market.tick': { guard: 'isNewTradingDay', target: 'WAITING', actions: 'startNextCycle' } },
    },
    ERROR: {
      description: 'Stopped after a failure; an operator may still close an open position defensively.',
      on: { 'operator.defensiveExit': { guard: 'hasPosition', target: 'DEFENSIVE_EXIT', actions: 'startOperatorExit' } },
    },
  },
});

export type ZeroDteState = keyof typeof zeroDteMachine.config.states & string;
