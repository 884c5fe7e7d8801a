/**
 * An in-memory venue for the engine's unit tests (tests only): fills at the bar's mid, idempotent by client
 * order id as every broker must be, and told per test how to answer.
 */
import { quoteOption } from '../../domain/market/option-pricing';
import type { ComboOrder, MarketBar } from '../../domain/market/types';
import { accountOf, DEFAULT_STARTING_BALANCE, premiumReceivedOf, type Account } from '../../domain/risk/account';
import { applyFills, emptyPosition } from '../../domain/strategies/position';
import { BrokerConnectionError, BrokerTimeoutError, type Broker, type BrokerOrder, type BrokerPosition } from '../../broker/broker';

/** fill: at once, at mid. work: accepted, never filled. reject. unreachable: BrokerConnectionError. silent: BrokerTimeoutError. broken: a plain Error. */
export type VenueBehaviour = 'fill' | 'work' | 'reject' | 'unreachable' | 'silent' | 'broken';

export class InMemoryBroker implements Broker {
  behaviour: VenueBehaviour = 'fill';
  private readonly orders = new Map<string, BrokerOrder>();
  /** Every call to placeCombo, resends included. */
  readonly placed: string[] = [];
  readonly cancelled: string[] = [];
  /** Every call to cancel, failed ones included. */
  cancelCalls = 0;
  startingBalance = DEFAULT_STARTING_BALANCE;

  async placeCombo(order: ComboOrder, bar: MarketBar): Promise<BrokerOrder> {
    this.failIfDown();
    this.placed.push(order.clientOrderId);
    const existing = this.orders.get(order.clientOrderId);
    if (existing) return existing;
    const legFills = this.behaviour === 'fill' ? order.legs.map((leg) => ({ leg, price: quoteOption(leg.contract, bar).mid })) : [];
    const placed: BrokerOrder = {
      clientOrderId: order.clientOrderId,
      status: this.behaviour === 'fill' ? 'FILLED' : this.behaviour === 'reject' ? 'REJECTED' : 'WORKING',
      legs: order.legs,
      legFills,
      fill: null,
      rejectReason: this.behaviour === 'reject' ? 'rejected (test)' : null,
      updatedAt: bar.time,
    };
    this.orders.set(order.clientOrderId, placed);
    return placed;
  }

  async findOrder(clientOrderId: string): Promise<BrokerOrder | null> {
    return this.orders.get(clientOrderId) ?? null;
  }

  async cancel(clientOrderId: string, bar: MarketBar): Promise<BrokerOrder | null> {
    this.cancelCalls += 1;
    this.failIfDown();
    this.cancelled.push(clientOrderId);
    const order = this.orders.get(clientOrderId);
    if (!order) return null;
    if (order.status !== 'WORKING' && order.status !== 'PARTIALLY_FILLED') return order;
    const cancelled: BrokerOrder = { ...order, status: 'CANCELLED', rejectReason: 'cancelled (test)', updatedAt: bar.time };
    this.orders.set(clientOrderId, cancelled);
    return cancelled;
  }

  async onBar(): Promise<BrokerOrder[]> {
    return [];
  }

  async positions(): Promise<BrokerPosition[]> {
    return [];
  }

  /** The account from every order's fills. */
  async account(bar: MarketBar): Promise<Account> {
    this.failIfDown();
    const fills = [...this.orders.values()].flatMap((order) => order.legFills);
    const positions = applyFills(emptyPosition('venue', 0), fills).legs;
    return accountOf({ startingBalance: this.startingBalance, premiumReceived: premiumReceivedOf(fills), positions }, bar);
  }

  async netLiquidation(bar: MarketBar): Promise<number> {
    return (await this.account(bar)).netLiquidation;
  }

  private failIfDown(): void {
    if (this.behaviour === 'unreachable') throw new BrokerConnectionError('venue unreachable (test)');
    if (this.behaviour === 'silent') throw new BrokerTimeoutError('venue did not answer (test)');
    if (this.behaviour === 'broken') throw new Error('venue answered nonsense (test)');
  }
}
