import type { Db } from '../db/client';
import { PaperBrokerSettingsRepository } from '../db/paper-broker-settings-repository';
import { PaperVenueRepository, type LegFillWrite, type PaperVenueTransaction, type VenueOrder } from '../db/paper-venue-repository';
import { isMarketOpen, sessionClose } from '../domain/market/calendar';
import { comboNetCredit, quoteOption } from '../domain/market/option-pricing';
import type { ComboOrder, EpochMs, LegFill, MarketBar, OrderLeg } from '../domain/market/types';
import { accountOf, DEFAULT_STARTING_BALANCE, netLiquidationOf, type Account, type AccountLedger } from '../domain/risk/account';
import type { BrokerFaults } from '../domain/venue-faults';
import { AppError } from '../errors';
import { BrokerConnectionError, BrokerTimeoutError, type AccountOptions, type Broker, type BrokerOrder, type BrokerPosition, type SenderLease } from './broker';
import { MINUTE_MS } from '../domain/market/time';

export interface PaperBrokerOptions {
  /**
   * Where the faults come from. Default: the `paper_broker_settings` row, cached until `refreshFaults()`.
   * With a provider, `rejectNext` counts down in memory from the value the provider last returned
   * (a different value re-arms it).
   */
  readonly faults?: () => BrokerFaults;
  /** What the account starts with when this broker is the first to read it (`PAPER_STARTING_BALANCE`); stored then, and kept. */
  readonly startingBalance?: number;
}

const OPEN_STATUSES = ['WORKING', 'PARTIALLY_FILLED'] as const;
export const STALE_QUOTES_REASON = 'stale quotes: no fills on stale data';

/** A malformed expiry date is the caller's bug and throws (from the calendar) rather than rejecting. */
function legProblem(leg: OrderLeg, index: number, time: EpochMs): string | null {
  const { contract, quantity } = leg;
  const label = `leg ${index + 1} (${contract.expiry} ${contract.strike}${contract.right})`;
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return `${label}: quantity must be a positive whole number, got ${quantity}`;
  }
  if (!Number.isFinite(contract.strike) || contract.strike <= 0) {
    return `${label}: strike must be a positive price, got ${contract.strike}`;
  }
  if (time >= sessionClose(contract.expiry)) return `${label}: contract expired at the ${contract.expiry} close`;
  return null;
}

function rejectionReason(order: ComboOrder, bar: MarketBar, faults: BrokerFaults): string | null {
  if (order.legs.length === 0) return 'order has no legs';
  if (!isMarketOpen(bar.time)) return `market is closed at ${new Date(bar.time).toISOString()}`;
  for (const [index, leg] of order.legs.entries()) {
    const problem = legProblem(leg, index, bar.time);
    if (problem) return problem;
  }
  if (isStale(bar, faults)) return STALE_QUOTES_REASON;
  return null;
}

/** The venue's quotes are stale when the bar says so, or while the fault is on even if the engine forgot to mark the bar. */
const isStale = (bar: MarketBar, faults: BrokerFaults): boolean => Boolean(bar.isStale) || faults.staleQuotes;

function toBrokerOrder(order: VenueOrder): BrokerOrder {
  const legFills: LegFill[] = order.fills.map(({ legIndex, price }) => {
    const leg = order.legs[legIndex];
    if (!leg) throw new Error(`paper order ${order.clientOrderId} has a fill for leg ${legIndex}, which it does not have`);
    return { leg, price };
  });
  const fill =
    order.status === 'FILLED'
      ? {
          clientOrderId: order.clientOrderId,
          time: Math.max(...order.fills.map(({ marketTime }) => marketTime.getTime())),
          fills: legFills,
          netCredit: comboNetCredit(legFills),
        }
      : null;
  return {
    clientOrderId: order.clientOrderId,
    status: order.status,
    legs: order.legs,
    legFills,
    fill,
    rejectReason: order.rejectReason,
    updatedAt: order.updatedAt.getTime(),
  };
}

/**
 * Fills legs `from` onwards at this bar's mids (only the next one when legged), and moves the order to
 * PARTIALLY_FILLED (next leg due on the next bar) or FILLED.
 */
async function fillLegs(venue: PaperVenueTransaction, orderId: bigint, legs: readonly OrderLeg[], from: number, bar: MarketBar, isLegged: boolean) {
  const until = isLegged ? Math.min(from + 1, legs.length) : legs.length;
  const fills: LegFillWrite[] = [];
  for (let legIndex = from; legIndex < until; legIndex += 1) {
    const leg = legs[legIndex];
    if (!leg) break;
    fills.push({ legIndex, leg, price: quoteOption(leg.contract, bar).mid });
  }
  const isDone = until >= legs.length;
  await venue.fillLegs(orderId, fills, new Date(bar.time), isDone ? null : new Date(bar.time + MINUTE_MS));
}

/**
 * A simulated venue whose orders, fills, positions and account live in their own tables (`paper_*`), so that after
 * the app crashes there is an independent truth to reconcile with. Fills at the mid of the bar it is given:
 * all legs in one transaction, or one leg per bar when legged. Faults (rejections, latency, timeouts,
 * dropped connections, stale quotes) are injected through `PaperBrokerSettingsRepository`.
 * Call `onBar` on every bar so working orders advance.
 */
export class PaperBroker implements Broker {
  private readonly venue: PaperVenueRepository;
  private readonly settings: PaperBrokerSettingsRepository;
  private cachedFaults: BrokerFaults | null = null;
  /**
   * When the next working order placed through this client falls due: undefined when unknown (ask the
   * database), null when none is working. `onBar` runs every simulated minute; this makes it free when idle.
   */
  private nextDueAt: number | null | undefined = undefined;
  /** Rejections counted down in memory when faults come from a provider. */
  private providedRejections = { armed: 0, used: 0 };
  /**
   * Orders this client placed, cancelled or advanced: counted as each call settles, so a ledger read that overlapped
   * one is never reused (its fills may have committed after the read began).
   */
  private venueChanges = 0;
  /** The account's ledger as last read, and `venueChanges` when the read began. */
  private lastLedger: { readonly ledger: AccountLedger; readonly changes: number } | null = null;

  constructor(
    db: Db,
    private readonly options: PaperBrokerOptions = {},
  ) {
    this.venue = new PaperVenueRepository(db);
    this.settings = new PaperBrokerSettingsRepository(db);
  }

  /** Re-reads the faults from the settings row; call it when that row changes (it notifies `paper_broker_settings`). */
  async refreshFaults(): Promise<BrokerFaults> {
    if (this.options.faults) return this.options.faults();
    this.cachedFaults = await this.settings.getFaults();
    return this.cachedFaults;
  }

  placeCombo(order: ComboOrder, bar: MarketBar, sender: SenderLease | null = null): Promise<BrokerOrder> {
    return this.changingVenue(() => this.place(order, bar, sender));
  }

  private async place(order: ComboOrder, bar: MarketBar, sender: SenderLease | null): Promise<BrokerOrder> {
    const faults = await this.reachableFaults();
    const rejection = rejectionReason(order, bar, faults);
    // A timed-out order is never due; one without latency is due now and fills below.
    const dueAt = faults.timeout ? null : bar.time + faults.latencyBars * MINUTE_MS;
    const fillsDueAt = rejection || dueAt === null ? null : new Date(dueAt);
    const { clientOrderId } = order;
    const time = new Date(bar.time);

    const outcome = await this.venue.transaction(async (venue) => {
      // A concurrent insert of the same id waits for the first to commit, then does nothing: one order.
      const id = await venue.insertOrder(
        { clientOrderId, status: rejection ? 'REJECTED' : 'WORKING', legs: order.legs, rejectReason: rejection, time, fillsDueAt },
        sender,
      );
      if (id === 'fenced') return { isNew: false, isFenced: true, faultsAfter: null };
      if (id === 'taken') return { isNew: false, faultsAfter: null };

      const faultsAfter = rejection ? null : await this.takeInjectedRejection(venue, faults);
      if (faultsAfter) {
        await venue.rejectOrder(id, faults.rejectReason);
      } else if (!rejection && dueAt === bar.time) {
        await fillLegs(venue, id, order.legs, 0, bar, faults.legged);
      }
      return { isNew: true, faultsAfter };
    });

    if ('isFenced' in outcome) {
      throw new AppError('FENCED', `order ${clientOrderId} refused by the venue: its sender no longer holds ${sender?.name}`);
    }
    if (outcome.faultsAfter && !this.options.faults) this.cachedFaults = outcome.faultsAfter;
    if (outcome.isNew) this.nextDueAt = undefined;
    const placed = await this.readOrder(clientOrderId);
    if (!placed) throw new Error(`paper order ${clientOrderId} vanished after it was placed`);
    if (outcome.isNew && faults.timeout) {
      throw new BrokerTimeoutError(
        `paper broker did not answer order ${clientOrderId} in time (injected timeout); look it up by client order id`,
      );
    }
    return placed;
  }

  async findOrder(clientOrderId: string): Promise<BrokerOrder | null> {
    await this.reachableFaults();
    return this.readOrder(clientOrderId);
  }

  cancel(clientOrderId: string, bar: MarketBar): Promise<BrokerOrder | null> {
    return this.changingVenue(() => this.cancelAtVenue(clientOrderId, bar));
  }

  private async cancelAtVenue(clientOrderId: string, bar: MarketBar): Promise<BrokerOrder | null> {
    await this.reachableFaults();
    const settled = await this.venue.transaction(async (venue) => {
      const locked = await venue.lockOrder(clientOrderId);
      if (!locked) {
        // Unknown: it may still be on its way (a server that lost its lease, paused mid-send). The id is cancelled
        // here, so it can never trade; to the caller it stays unknown: nothing filled.
        await venue.insertCancelledId(clientOrderId, new Date(bar.time));
        return null;
      }
      if (isOpen(locked.status)) {
        const reason =
          locked.fillCount === 0
            ? 'cancelled by the client before any leg filled'
            : `cancelled by the client after ${locked.fillCount} of ${locked.legs.length} legs filled; those stay filled`;
        await venue.cancelOrder(locked.id, reason, new Date(bar.time));
      }
      return venue.findOrder(clientOrderId);
    });
    return settled && toBrokerOrder(settled);
  }

  /**
   * Fills what is due on this bar (latency over, next legged leg), one transaction per order, and cancels
   * orders whose unfilled legs expired meanwhile. Nothing fills on a closed market or stale quotes.
   * With nothing due this is one indexed query.
   */
  async onBar(bar: MarketBar): Promise<BrokerOrder[]> {
    const faults = await this.reachableFaults();
    if (!isMarketOpen(bar.time) || isStale(bar, faults)) return [];
    if (this.nextDueAt === null || (this.nextDueAt !== undefined && bar.time < this.nextDueAt)) return [];
    return this.changingVenue(async () => {
      const changed: BrokerOrder[] = [];
      for (const id of await this.venue.dueOrderIds(new Date(bar.time))) {
        const order = await this.venue.transaction((venue) => this.advance(venue, id, bar, faults));
        if (order) changed.push(toBrokerOrder(order));
      }
      this.nextDueAt = (await this.venue.nextDueAt())?.getTime() ?? null;
      return changed;
    });
  }

  async positions(): Promise<BrokerPosition[]> {
    await this.reachableFaults();
    return this.venue.positions();
  }

  /**
   * The account from the venue's own ledger (its fills and positions), marked at `bar`'s mids. The ledger moves only
   * with fills, so with `reuseLedger` the last one read is marked again while this client has placed, cancelled and
   * advanced nothing since; fills written by another client (a server finishing a send after losing its lease) show
   * at the next read afresh, which the engine makes when it loads or takes strategies over.
   */
  async account(bar: MarketBar, options: AccountOptions = {}): Promise<Account> {
    return accountOf(await this.ledger(options), bar);
  }

  async netLiquidation(bar: MarketBar, options: AccountOptions = {}): Promise<number> {
    return netLiquidationOf(await this.ledger(options), bar);
  }

  private async ledger({ reuseLedger = false }: AccountOptions): Promise<AccountLedger> {
    await this.reachableFaults();
    const last = this.lastLedger;
    if (reuseLedger && last !== null && last.changes === this.venueChanges) return last.ledger;
    const changes = this.venueChanges;
    const ledger = await this.venue.ledger(this.options.startingBalance ?? DEFAULT_STARTING_BALANCE);
    this.lastLedger = { ledger, changes };
    return ledger;
  }

  /** Runs a call that may change orders, fills or positions at the venue, and counts it once it has settled. */
  private async changingVenue<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } finally {
      this.venueChanges += 1;
    }
  }

  private async readOrder(clientOrderId: string): Promise<BrokerOrder | null> {
    const order = await this.venue.findOrder(clientOrderId);
    return order && toBrokerOrder(order);
  }

  /** Locks the order and fills its next legs, unless another server advanced it first. */
  private async advance(venue: PaperVenueTransaction, id: bigint, bar: MarketBar, faults: BrokerFaults): Promise<VenueOrder | null> {
    const locked = await venue.lockDueOrder(id, new Date(bar.time));
    if (!locked) return null;
    const { legs, fillCount } = locked;
    const expired = legs.findIndex((leg, index) => index >= fillCount && bar.time >= sessionClose(leg.contract.expiry));
    if (expired >= 0) {
      const reason = `leg ${expired + 1} expired before it filled; ${fillCount} of ${legs.length} legs filled and stay filled`;
      await venue.cancelOrder(id, reason, new Date(bar.time));
    } else {
      await fillLegs(venue, id, legs, fillCount, bar, faults.legged);
    }
    return venue.findOrder(locked.clientOrderId);
  }

  /** The faults in force; throws when the connection is (injected as) dropped, before anything is read or written. */
  private async reachableFaults(): Promise<BrokerFaults> {
    const faults = this.options.faults?.() ?? this.cachedFaults ?? (await this.refreshFaults());
    if (faults.dropConnection) throw new BrokerConnectionError('paper broker connection dropped (injected fault)');
    return faults;
  }

  /** Counts one injected rejection down; returns the faults after it, or null when none is armed. */
  private async takeInjectedRejection(venue: PaperVenueTransaction, faults: BrokerFaults): Promise<BrokerFaults | null> {
    if (!this.options.faults) {
      return faults.rejectNext > 0 ? venue.takeRejection() : null;
    }
    if (faults.rejectNext !== this.providedRejections.armed) this.providedRejections = { armed: faults.rejectNext, used: 0 };
    if (this.providedRejections.used >= this.providedRejections.armed) return null;
    this.providedRejections.used += 1;
    return { ...faults, rejectNext: this.providedRejections.armed - this.providedRejections.used };
  }
}

const isOpen = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);
