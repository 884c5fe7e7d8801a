import type { CancelRequest, CancelStore } from '../engine/ports';
import type { Db } from './client';

/** `order_cancel`: the cancels an emergency halt asked the broker for, until it answered. One statement each. */
export class OrderCancelRepository implements CancelStore {
  constructor(private readonly db: Db) {}

  async request(cancels: readonly CancelRequest[]): Promise<void> {
    if (cancels.length === 0) return;
    await this.db.$executeRaw`
      INSERT INTO order_cancel (client_order_id, strategy_id)
      SELECT * FROM unnest(${cancels.map((cancel) => cancel.clientOrderId)}::text[], ${cancels.map((cancel) => cancel.strategyId)}::text[])
      ON CONFLICT (client_order_id) DO NOTHING`;
  }

  async confirm(clientOrderIds: readonly string[]): Promise<void> {
    if (clientOrderIds.length === 0) return;
    await this.db.$executeRaw`
      UPDATE order_cancel SET confirmed_at = clock_timestamp()
       WHERE client_order_id = ANY(${clientOrderIds as string[]}::text[]) AND confirmed_at IS NULL`;
  }

  async unconfirmed(): Promise<CancelRequest[]> {
    return this.db.$queryRaw<CancelRequest[]>`
      SELECT client_order_id AS "clientOrderId", strategy_id AS "strategyId"
        FROM order_cancel WHERE confirmed_at IS NULL ORDER BY requested_at, client_order_id`;
  }

  /** How many cancels are still unanswered: what the overview and the halt's answer show. */
  async countUnconfirmed(): Promise<number> {
    const [row] = await this.db.$queryRaw<{ open: number }[]>`SELECT count(*)::int AS open FROM order_cancel WHERE confirmed_at IS NULL`;
    return row?.open ?? 0;
  }
}
