import { z } from 'zod';
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { isMarketOpen, sessionClose } from '../domain/market/calendar';
import { comboNetCredit, quoteOption } from '../domain/market/option-pricing';
import type { ComboOrder, EpochMs, LegFill, MarketBar, OrderLeg } from '../domain/market/types';
import {
  BrokerConnectionError,
  BrokerTimeoutError,
  type Broker,
  type BrokerOrder,
  type BrokerOrderStatus,
  type BrokerPosition,
} from './broker';
import type { BrokerFaults } from './faults';
import { PaperBrokerSettingsRepository } from './paper-broker-settings';

type Tx = Prisma.TransactionClient;

export interface PaperBrokerOptions {
  /**
   * Where the faults come from. Default: the `paper_broker_settings` row, cached until `refreshFaults()`.
   * With a provider, `rejectNext` counts down in memory from the value the provider last returned
   * (a different value re-arms it).
   */
  readonly faults?: () => BrokerFaults;
}

const MINUTE_MS = 60_000;
const OPEN_STATUSES = ['WORKING', 'PARTIALLY_FILLED'] as const;
export const STALE_QUOTES_REASON = 'stale quotes: no fills on stale data';

/** JSON has no NaN or Infinity: an invalid number an order was sent with is stored as null and read back as NaN. */
const storedNumber = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

const storedLegsSchema = z.array(
  z.object({
    contract: z.object({
      underlying: z.enum(['SPY', 'QQQ', 'IWM', 'ES']),
      expiry: z.string(),
      strike: storedNumber,
      right: z.enum(['C', 'P']),
    }),
    side: z.enum(['BUY', 'SELL']),
    quantity: storedNumber,
  }),
);

const statusSchema = z.enum(['WORKING', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'CANCELLED']) satisfies z.ZodType<BrokerOrderStatus>;

const positionRowSchema = z.object({
  underlying: z.enum(['SPY', 'QQQ', 'IWM', 'ES']),
  expiry: z.string(),
  strike: z.number(),
  right: z.enum(['C', 'P']),
  quantity: z.int(),
  averagePrice: z.number(),
});

const ORDER_WITH_FILLS = {
  fills: { orderBy: { legIndex: 'asc' }, select: { legIndex: true, price: true, marketTime: true } },
} as const satisfies Prisma.PaperOrderInclude;

type OrderRecord = Prisma.PaperOrderGetPayload<{ include: typeof ORDER_WITH_FILLS }>;

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

function toBrokerOrder(record: OrderRecord): BrokerOrder {
  const legs = storedLegsSchema.parse(record.legs);
  const status = statusSchema.parse(record.status);
  const legFills: LegFill[] = record.fills.map(({ legIndex, price }) => {
    const leg = legs[legIndex];
    if (!leg) throw new Error(`paper order ${record.clientOrderId} has a fill for leg ${legIndex}, which it does not have`);
    return { leg, price };
  });
  const fill =
    status === 'FILLED'
      ? {
          clientOrderId: record.clientOrderId,
          time: Math.max(...record.fills.map(({ marketTime }) => marketTime.getTime())),
          fills: legFills,
          netCredit: comboNetCredit(legFills),
        }
      : null;
  return {
    clientOrderId: record.clientOrderId,
    status,
    legs,
    legFills,
    fill,
    rejectReason: record.rejectReason,
    updatedAt: record.updatedAt.getTime(),
  };
}

async function readOrder(db: Db | Tx, clientOrderId: string): Promise<BrokerOrder | null> {
  const record = await db.paperOrder.findUnique({ where: { clientOrderId }, include: ORDER_WITH_FILLS });
  return record && toBrokerOrder(record);
}

/**
 * Fills legs `from` onwards at this bar's mids (only the next one when legged), each fill with its position
 * change, and moves the order to PARTIALLY_FILLED (next leg due on the next bar) or FILLED.
 * Positions: signed quantities; the average price moves only when a position grows (or flips, to the new
 * price); a position that reaches zero is deleted.
 */
async function fillLegs(tx: Tx, orderId: bigint, legs: readonly OrderLeg[], from: number, bar: MarketBar, isLegged: boolean) {
  const until = isLegged ? Math.min(from + 1, legs.length) : legs.length;
  const time = new Date(bar.time);
  for (let index = from; index < until; index += 1) {
    const leg = legs[index];
    if (!leg) break;
    const { contract, side, quantity } = leg;
    const price = quoteOption(contract, bar).mid;
    const signed = side === 'BUY' ? quantity : -quantity;
    await tx.$executeRaw`
      WITH fill AS (
        INSERT INTO paper_fill (order_id, leg_index, underlying, expiry, strike, "right", side, quantity, price, market_time)
        VALUES (${orderId}, ${index}, ${contract.underlying}, ${contract.expiry}, ${contract.strike}, ${contract.right},
                ${side}, ${quantity}, ${price}, ${time})
      )
      INSERT INTO paper_position AS p (underlying, expiry, strike, "right", quantity, average_price, updated_at)
      VALUES (${contract.underlying}, ${contract.expiry}, ${contract.strike}, ${contract.right}, ${signed}, ${price}, ${time})
      ON CONFLICT (underlying, expiry, strike, "right") DO UPDATE SET
        quantity = p.quantity + EXCLUDED.quantity,
        average_price = CASE
          WHEN sign(p.quantity) = sign(EXCLUDED.quantity)
            THEN (abs(p.quantity) * p.average_price + abs(EXCLUDED.quantity) * EXCLUDED.average_price)
                 / (abs(p.quantity) + abs(EXCLUDED.quantity))
          WHEN abs(EXCLUDED.quantity) > abs(p.quantity) THEN EXCLUDED.average_price
          ELSE p.average_price
        END,
        updated_at = EXCLUDED.updated_at`;
  }
  await tx.$executeRaw`DELETE FROM paper_position WHERE quantity = 0`;
  const isDone = until >= legs.length;
  await tx.$executeRaw`
    UPDATE paper_order
       SET status = ${isDone ? 'FILLED' : 'PARTIALLY_FILLED'}, updated_at = ${time},
           fills_due_at = ${isDone ? null : new Date(bar.time + MINUTE_MS)}
     WHERE id = ${orderId}`;
}

/**
 * A simulated venue whose orders, fills and positions live in their own tables (`paper_*`), so that after
 * the app crashes there is an independent truth to reconcile with. Fills at the mid of the bar it is given:
 * all legs in one transaction, or one leg per bar when legged. Faults (rejections, latency, timeouts,
 * dropped connections, stale quotes) are injected through `PaperBrokerSettingsRepository`.
 * Call `onBar` on every bar so working orders advance.
 */
export class PaperBroker implements Broker {
  private readonly settings: PaperBrokerSettingsRepository;
  private cachedFaults: BrokerFaults | null = null;
  /**
   * When the next working order placed through this client falls due: undefined when unknown (ask the
   * database), null when none is working. `onBar` runs every simulated minute; this makes it free when idle.
   */
  private nextDueAt: number | null | undefined = undefined;
  /** Rejections counted down in memory when faults come from a provider. */
  private providedRejections = { armed: 0, used: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: PaperBrokerOptions = {},
  ) {
    this.settings = new PaperBrokerSettingsRepository(db);
  }

  /** Re-reads the faults from the settings row; call it when that row changes (it notifies `paper_broker_settings`). */
  async refreshFaults(): Promise<BrokerFaults> {
    if (this.options.faults) return this.options.faults();
    this.cachedFaults = await this.settings.getFaults();
    return this.cachedFaults;
  }

  async placeCombo(order: ComboOrder, bar: MarketBar): Promise<BrokerOrder> {
    const faults = await this.reachableFaults();
    const rejection = rejectionReason(order, bar, faults);
    // A timed-out order is never due; one without latency is due now and fills below.
    const dueAt = faults.timeout ? null : bar.time + faults.latencyBars * MINUTE_MS;
    const fillsDueAt = rejection || dueAt === null ? null : new Date(dueAt);
    const { clientOrderId } = order;
    const time = new Date(bar.time);

    const outcome = await this.db.$transaction(async (tx) => {
      // A concurrent insert of the same id waits for the first to commit, then does nothing: one order.
      const inserted = await tx.$queryRaw<{ id: bigint }[]>`
        INSERT INTO paper_order (client_order_id, status, legs, reject_reason, submitted_at, updated_at, fills_due_at)
        VALUES (${clientOrderId}, ${rejection ? 'REJECTED' : 'WORKING'}, ${JSON.stringify(order.legs)}::jsonb, ${rejection},
                ${time}, ${time}, ${fillsDueAt})
        ON CONFLICT (client_order_id) DO NOTHING
        RETURNING id`;
      const id = inserted[0]?.id;
      if (id === undefined) return { isNew: false, faultsAfter: null };

      const faultsAfter = rejection ? null : await this.takeInjectedRejection(tx, faults);
      if (faultsAfter) {
        await tx.$executeRaw`
          UPDATE paper_order SET status = 'REJECTED', reject_reason = ${faults.rejectReason}, fills_due_at = NULL
           WHERE id = ${id}`;
      } else if (!rejection && dueAt === bar.time) {
        await fillLegs(tx, id, order.legs, 0, bar, faults.legged);
      }
      return { isNew: true, faultsAfter };
    });

    if (outcome.faultsAfter && !this.options.faults) this.cachedFaults = outcome.faultsAfter;
    if (outcome.isNew) this.nextDueAt = undefined;
    const placed = await readOrder(this.db, clientOrderId);
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
    return readOrder(this.db, clientOrderId);
  }

  async cancel(clientOrderId: string, bar: MarketBar): Promise<BrokerOrder | null> {
    await this.reachableFaults();
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; status: string; legCount: number; fillCount: number }[]>`
        SELECT o.id, o.status, jsonb_array_length(o.legs) AS "legCount",
               (SELECT count(*)::int FROM paper_fill f WHERE f.order_id = o.id) AS "fillCount"
          FROM paper_order o
         WHERE o.client_order_id = ${clientOrderId}
           FOR UPDATE`;
      const row = rows[0];
      if (!row) return null;
      if (isOpen(row.status)) {
        const reason =
          row.fillCount === 0
            ? 'cancelled by the client before any leg filled'
            : `cancelled by the client after ${row.fillCount} of ${row.legCount} legs filled; those stay filled`;
        await tx.$executeRaw`
          UPDATE paper_order SET status = 'CANCELLED', reject_reason = ${reason}, updated_at = ${new Date(bar.time)}, fills_due_at = NULL
           WHERE id = ${row.id}`;
      }
      return readOrder(tx, clientOrderId);
    });
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
    const time = new Date(bar.time);
    const due = await this.db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM paper_order
       WHERE status IN ('WORKING', 'PARTIALLY_FILLED') AND fills_due_at <= ${time}
       ORDER BY id`;
    const changed: BrokerOrder[] = [];
    for (const { id } of due) {
      const order = await this.db.$transaction((tx) => this.advance(tx, id, bar, faults));
      if (order) changed.push(order);
    }
    const [next] = await this.db.$queryRaw<{ next: Date | null }[]>`
      SELECT min(fills_due_at) AS next FROM paper_order WHERE status IN ('WORKING', 'PARTIALLY_FILLED')`;
    this.nextDueAt = next?.next ? next.next.getTime() : null;
    return changed;
  }

  async positions(): Promise<BrokerPosition[]> {
    await this.reachableFaults();
    const rows = await this.db.paperPosition.findMany({
      orderBy: [{ underlying: 'asc' }, { expiry: 'asc' }, { strike: 'asc' }, { right: 'asc' }],
      select: { underlying: true, expiry: true, strike: true, right: true, quantity: true, averagePrice: true },
    });
    return rows.map((row) => positionRowSchema.parse(row));
  }

  /** Locks the order and fills its next legs, unless another server advanced it first. */
  private async advance(tx: Tx, id: bigint, bar: MarketBar, faults: BrokerFaults): Promise<BrokerOrder | null> {
    const time = new Date(bar.time);
    const rows = await tx.$queryRaw<{ clientOrderId: string; legs: unknown; fillCount: number }[]>`
      SELECT o.client_order_id AS "clientOrderId", o.legs,
             (SELECT count(*)::int FROM paper_fill f WHERE f.order_id = o.id) AS "fillCount"
        FROM paper_order o
       WHERE o.id = ${id} AND o.status IN ('WORKING', 'PARTIALLY_FILLED') AND o.fills_due_at <= ${time}
         FOR UPDATE`;
    const row = rows[0];
    if (!row) return null;
    const legs = storedLegsSchema.parse(row.legs);
    const expired = legs.findIndex((leg, index) => index >= row.fillCount && bar.time >= sessionClose(leg.contract.expiry));
    if (expired >= 0) {
      const reason = `leg ${expired + 1} expired before it filled; ${row.fillCount} of ${legs.length} legs filled and stay filled`;
      await tx.$executeRaw`
        UPDATE paper_order SET status = 'CANCELLED', reject_reason = ${reason}, updated_at = ${time}, fills_due_at = NULL
         WHERE id = ${id}`;
    } else {
      await fillLegs(tx, id, legs, row.fillCount, bar, faults.legged);
    }
    return readOrder(tx, row.clientOrderId);
  }

  /** The faults in force; throws when the connection is (injected as) dropped, before anything is read or written. */
  private async reachableFaults(): Promise<BrokerFaults> {
    const faults = this.options.faults?.() ?? this.cachedFaults ?? (await this.refreshFaults());
    if (faults.dropConnection) throw new BrokerConnectionError('paper broker connection dropped (injected fault)');
    return faults;
  }

  /** Counts one injected rejection down; returns the faults after it, or null when none is armed. */
  private async takeInjectedRejection(tx: Tx, faults: BrokerFaults): Promise<BrokerFaults | null> {
    if (!this.options.faults) {
      return faults.rejectNext > 0 ? new PaperBrokerSettingsRepository(tx).takeRejection() : null;
    }
    if (faults.rejectNext !== this.providedRejections.armed) this.providedRejections = { armed: faults.rejectNext, used: 0 };
    if (this.providedRejections.used >= this.providedRejections.armed) return null;
    this.providedRejections.used += 1;
    return { ...faults, rejectNext: this.providedRejections.armed - this.providedRejections.used };
  }
}

const isOpen = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);
