import type { Db } from './client';
import type { Prisma } from './generated/client';
import { brokerFaultsChangeSchema, brokerFaultsSchema, type BrokerFaults, type BrokerFaultsChange } from '../domain/venue-faults';

/** The client, or an open transaction when the change must commit with other writes. */
type Sql = Db | Prisma.TransactionClient;

const SETTINGS_ID = 1;

/**
 * The paper broker's injected faults, one row. Tests and the demo control change them here; every change
 * is announced on the notification channel (table `paper_broker_settings`) so brokers refresh their copy.
 */
export class PaperBrokerSettingsRepository {
  constructor(private readonly db: Sql) {}

  /** The faults in force: none until someone sets one. */
  async getFaults(): Promise<BrokerFaults> {
    const row = await this.db.paperBrokerSettings.findUnique({ where: { id: SETTINGS_ID }, select: { faults: true } });
    return brokerFaultsSchema.parse(row?.faults ?? {});
  }

  /**
   * Changes the faults named in `change` and leaves the others as they are, in one statement, so two
   * concurrent changes to different faults both land. Pass `NO_FAULTS` to clear everything.
   */
  async setFaults(change: BrokerFaultsChange): Promise<BrokerFaults> {
    const valid = brokerFaultsChangeSchema.parse(change);
    const rows = await this.db.$queryRaw<{ faults: unknown }[]>`
      INSERT INTO paper_broker_settings (id, faults, updated_at)
      VALUES (${SETTINGS_ID}, ${JSON.stringify(brokerFaultsSchema.parse(valid))}::jsonb, now())
      ON CONFLICT (id) DO UPDATE
        SET faults = paper_broker_settings.faults || ${JSON.stringify(valid)}::jsonb, updated_at = now()
      RETURNING faults`;
    return brokerFaultsSchema.parse(rows[0]?.faults);
  }

  /**
   * Counts one injected rejection down, atomically, so brokers sharing the row never reject more orders
   * than were asked for. Returns the faults after the count, or null when no rejection was armed.
   */
  async takeRejection(): Promise<BrokerFaults | null> {
    const rows = await this.db.$queryRaw<{ faults: unknown }[]>`
      UPDATE paper_broker_settings
         SET faults = jsonb_set(faults, '{rejectNext}', to_jsonb((faults->>'rejectNext')::int - 1)), updated_at = now()
       WHERE id = ${SETTINGS_ID} AND (faults->>'rejectNext')::int > 0
      RETURNING faults`;
    const row = rows[0];
    return row ? brokerFaultsSchema.parse(row.faults) : null;
  }
}
