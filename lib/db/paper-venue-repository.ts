import { z } from 'zod';
import { ORDER_STATUSES, UNDERLYINGS, type OrderLeg, type OrderStatus } from '../domain/market/types';
import type { AccountLedger } from '../domain/risk/account';
import type { BrokerFaults } from '../domain/venue-faults';
import type { Lease } from '../engine/ports';
import type { Db } from './client';
import type { Prisma } from './generated/client';
import { fenceHolds } from './lease-repository';
import { PaperBrokerSettingsRepository } from './paper-broker-settings-repository';

type Tx = Prisma.TransactionClient;

const UNDERLYING = z.enum(UNDERLYINGS);

/** JSON has no NaN or Infinity: an invalid number an order was sent with is stored as null and read back as NaN. */
const storedNumber = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

const storedLegsSchema = z.array(
  z.object({
    contract: z.object({ underlying: UNDERLYING, expiry: z.string(), strike: storedNumber, right: z.enum(['C', 'P']) }),
    side: z.enum(['BUY', 'SELL']),
    quantity: storedNumber,
  }),
);

const statusSchema = z.enum(ORDER_STATUSES);

const positionRowSchema = z.object({
  underlying: UNDERLYING,
  expiry: z.string(),
  strike: z.number(),
  right: z.enum(['C', 'P']),
  quantity: z.int(),
  averagePrice: z.number(),
});
export type VenuePosition = z.infer<typeof positionRowSchema>;

const ledgerRowSchema = z.object({
  startingBalance: z.number(),
  premiumReceived: z.partialRecord(UNDERLYING, z.number()),
  positions: z.array(positionRowSchema.omit({ averagePrice: true })),
});

const ORDER_WITH_FILLS = {
  fills: { orderBy: { legIndex: 'asc' }, select: { legIndex: true, price: true, marketTime: true } },
} as const satisfies Prisma.PaperOrderInclude;

/** A paper order as stored, its legs and status checked. */
export interface VenueOrder {
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly legs: readonly OrderLeg[];
  /** One per filled leg, in leg order. */
  readonly fills: readonly { readonly legIndex: number; readonly price: number; readonly marketTime: Date }[];
  readonly rejectReason: string | null;
  readonly updatedAt: Date;
}

/** A leg to fill at a price. */
export interface LegFillWrite {
  readonly legIndex: number;
  readonly leg: OrderLeg;
  readonly price: number;
}

export interface NewVenueOrder {
  readonly clientOrderId: string;
  readonly status: 'WORKING' | 'REJECTED';
  readonly legs: readonly OrderLeg[];
  readonly rejectReason: string | null;
  readonly time: Date;
  /** When the order's next fill falls due; null when it never will (rejected, or a timeout is injected). */
  readonly fillsDueAt: Date | null;
}

/** An open order locked for this transaction, with how many of its legs have filled. */
export interface LockedOrder {
  readonly id: bigint;
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly legs: readonly OrderLeg[];
  readonly fillCount: number;
}

async function readOrder(db: Db | Tx, clientOrderId: string): Promise<VenueOrder | null> {
  const record = await db.paperOrder.findUnique({ where: { clientOrderId }, include: ORDER_WITH_FILLS });
  if (!record) return null;
  return {
    clientOrderId: record.clientOrderId,
    status: statusSchema.parse(record.status),
    legs: storedLegsSchema.parse(record.legs),
    fills: record.fills,
    rejectReason: record.rejectReason,
    updatedAt: record.updatedAt,
  };
}

/** The venue's writes inside one transaction: an order and its fills and positions commit together or not at all. */
export class PaperVenueTransaction {
  constructor(private readonly tx: Tx) {}

  /**
   * Inserts the order and returns its id; `taken` when its client order id exists (a concurrent insert waits for the
   * first; the submission is counted on the order there, for the chaos run: an intent must never be submitted twice);
   * `fenced` when the sender's lease is no longer in force (nothing inserted, nothing counted).
   */
  async insertOrder(order: NewVenueOrder, sender: Lease | null): Promise<bigint | 'taken' | 'fenced'> {
    const rows = await this.tx.$queryRaw<{ id: bigint; inserted: boolean }[]>`
      INSERT INTO paper_order (client_order_id, status, legs, reject_reason, submitted_at, updated_at, fills_due_at)
      SELECT ${order.clientOrderId}, ${order.status}, ${JSON.stringify(order.legs)}::jsonb, ${order.rejectReason},
             ${order.time}, ${order.time}, ${order.fillsDueAt}
       WHERE ${fenceHolds(sender)}
      ON CONFLICT (client_order_id) DO UPDATE SET submissions = paper_order.submissions + 1
      RETURNING id, (xmax = 0) AS inserted`;
    const row = rows[0];
    if (!row) return 'fenced';
    return row.inserted ? row.id : 'taken';
  }

  /**
   * Remembers a client order id cancelled before any order under it arrived (never submitted: 0 submissions), so
   * that one arriving later is answered with this cancelled order instead of trading: as a venue refuses an order
   * id it has seen. Nothing when the id is taken meanwhile.
   */
  async insertCancelledId(clientOrderId: string, time: Date): Promise<void> {
    await this.tx.$executeRaw`
      INSERT INTO paper_order (client_order_id, status, legs, reject_reason, submitted_at, updated_at, fills_due_at, submissions)
      VALUES (${clientOrderId}, 'CANCELLED', '[]'::jsonb, 'cancelled by the client before it reached the venue', ${time}, ${time}, NULL, 0)
      ON CONFLICT (client_order_id) DO NOTHING`;
  }

  async rejectOrder(id: bigint, reason: string): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE paper_order SET status = 'REJECTED', reject_reason = ${reason}, fills_due_at = NULL WHERE id = ${id}`;
  }

  async cancelOrder(id: bigint, reason: string, time: Date): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE paper_order SET status = 'CANCELLED', reject_reason = ${reason}, updated_at = ${time}, fills_due_at = NULL
       WHERE id = ${id}`;
  }

  /**
   * Stores `fills`, each with its position change, and moves the order to FILLED (no `nextDueAt`) or
   * PARTIALLY_FILLED (its next leg due then). Positions: signed quantities; the average price moves only
   * when a position grows (or flips, to the new price); a position that reaches zero is deleted.
   */
  async fillLegs(id: bigint, fills: readonly LegFillWrite[], time: Date, nextDueAt: Date | null): Promise<void> {
    for (const { legIndex, leg, price } of fills) {
      const { contract, side, quantity } = leg;
      const signed = side === 'BUY' ? quantity : -quantity;
      await this.tx.$executeRaw`
        WITH fill AS (
          INSERT INTO paper_fill (order_id, leg_index, underlying, expiry, strike, "right", side, quantity, price, market_time)
          VALUES (${id}, ${legIndex}, ${contract.underlying}, ${contract.expiry}, ${contract.strike}, ${contract.right},
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
    await this.tx.$executeRaw`DELETE FROM paper_position WHERE quantity = 0`;
    await this.tx.$executeRaw`
      UPDATE paper_order
         SET status = ${nextDueAt ? 'PARTIALLY_FILLED' : 'FILLED'}, updated_at = ${time}, fills_due_at = ${nextDueAt}
       WHERE id = ${id}`;
  }

  /** Locks the order with this client order id, whatever its status; null when there is none. */
  async lockOrder(clientOrderId: string): Promise<LockedOrder | null> {
    return this.lock(await this.tx.$queryRaw<unknown[]>`
      SELECT o.id, o.client_order_id AS "clientOrderId", o.status, o.legs,
             (SELECT count(*)::int FROM paper_fill f WHERE f.order_id = o.id) AS "fillCount"
        FROM paper_order o
       WHERE o.client_order_id = ${clientOrderId}
         FOR UPDATE`);
  }

  /** Locks the order if it is still open and due at `time`; null when another server advanced it first. */
  async lockDueOrder(id: bigint, time: Date): Promise<LockedOrder | null> {
    return this.lock(await this.tx.$queryRaw<unknown[]>`
      SELECT o.id, o.client_order_id AS "clientOrderId", o.status, o.legs,
             (SELECT count(*)::int FROM paper_fill f WHERE f.order_id = o.id) AS "fillCount"
        FROM paper_order o
       WHERE o.id = ${id} AND o.status IN ('WORKING', 'PARTIALLY_FILLED') AND o.fills_due_at <= ${time}
         FOR UPDATE`);
  }

  findOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return readOrder(this.tx, clientOrderId);
  }

  /** Counts one injected rejection down in the shared settings row; the faults after it, or null when none was armed. */
  takeRejection(): Promise<BrokerFaults | null> {
    return new PaperBrokerSettingsRepository(this.tx).takeRejection();
  }

  private lock(rows: unknown[]): LockedOrder | null {
    const row = rows[0];
    if (row === undefined) return null;
    const parsed = lockedRowSchema.parse(row);
    return { ...parsed, legs: storedLegsSchema.parse(parsed.legs) };
  }
}

const lockedRowSchema = z.object({
  id: z.bigint(),
  clientOrderId: z.string(),
  status: statusSchema,
  legs: z.unknown(),
  fillCount: z.int(),
});

/**
 * The paper venue's own tables (`paper_order`, `paper_fill`, `paper_position`, `paper_account`): the independent
 * truth a crashed app reconciles with. The venue's behaviour (what fills, at what price) is lib/broker's.
 */
export class PaperVenueRepository {
  constructor(private readonly db: Db) {}

  transaction<T>(work: (venue: PaperVenueTransaction) => Promise<T>): Promise<T> {
    return this.db.$transaction((tx) => work(new PaperVenueTransaction(tx)));
  }

  findOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return readOrder(this.db, clientOrderId);
  }

  /** Open orders whose next fill is due at `time`, oldest first. One indexed query. */
  async dueOrderIds(time: Date): Promise<bigint[]> {
    const rows = await this.db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM paper_order
       WHERE status IN ('WORKING', 'PARTIALLY_FILLED') AND fills_due_at <= ${time}
       ORDER BY id`;
    return rows.map((row) => row.id);
  }

  /** When the next open order falls due; null when none will. */
  async nextDueAt(): Promise<Date | null> {
    const [next] = await this.db.$queryRaw<{ next: Date | null }[]>`
      SELECT min(fills_due_at) AS next FROM paper_order WHERE status IN ('WORKING', 'PARTIALLY_FILLED')`;
    return next?.next ?? null;
  }

  /**
   * The account's ledger in one statement, so fills and positions are read as of one moment: the starting balance,
   * the premium received per underlying (summed here over every fill) and the open positions. The first read stores
   * `startingBalance`; later reads return what was stored, whatever they pass.
   */
  async ledger(startingBalance: number): Promise<AccountLedger> {
    let row = await this.readLedger();
    if (row === undefined) {
      await this.createAccount(startingBalance);
      row = await this.readLedger();
    }
    const { positions, ...ledger } = ledgerRowSchema.parse(row);
    return { ...ledger, positions: positions.map(({ quantity, ...contract }) => ({ contract, quantity })) };
  }

  private async readLedger(): Promise<unknown> {
    const rows = await this.db.$queryRaw<unknown[]>`
      SELECT a.starting_balance AS "startingBalance",
             (SELECT coalesce(jsonb_object_agg(f.underlying, f.points), '{}'::jsonb)
                FROM (SELECT underlying, sum(CASE WHEN side = 'SELL' THEN price ELSE -price END * quantity) AS points
                        FROM paper_fill GROUP BY underlying) f) AS "premiumReceived",
             (SELECT coalesce(jsonb_agg(jsonb_build_object('underlying', p.underlying, 'expiry', p.expiry, 'strike', p.strike,
                                                           'right', p."right", 'quantity', p.quantity)
                                        ORDER BY p.underlying, p.expiry, p.strike, p."right"), '[]'::jsonb)
                FROM paper_position p) AS positions
        FROM paper_account a
       WHERE a.id = 1`;
    return rows[0];
  }

  /** Stores the starting balance unless a server stored one first. */
  private async createAccount(startingBalance: number): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO paper_account (id, starting_balance) VALUES (1, ${startingBalance}) ON CONFLICT (id) DO NOTHING`;
  }

  async positions(): Promise<VenuePosition[]> {
    const rows = await this.db.paperPosition.findMany({
      orderBy: [{ underlying: 'asc' }, { expiry: 'asc' }, { strike: 'asc' }, { right: 'asc' }],
      select: { underlying: true, expiry: true, strike: true, right: true, quantity: true, averagePrice: true },
    });
    return rows.map((row) => positionRowSchema.parse(row));
  }
}
