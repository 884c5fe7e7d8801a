import pg from 'pg';

/** What one chaos run left in the database, judged: the five counts that must be 0, and what happened. */
export interface RunFigures {
  readonly duplicateClientOrderIds: number;
  readonly intentsSentTwice: number;
  readonly orphanedLegs: number;
  readonly sequenceGaps: number;
  readonly twoOwnerMoments: number;
  readonly transitions: number;
  readonly entries: number;
  readonly exits: number;
  readonly rolls: number;
  readonly recoveries: number;
  readonly fencedCommands: number;
  readonly ordersAtVenue: number;
  readonly clockGrants: number;
  /** Each grant of the clock to a new holder after the previous one's lapsed (its holder dead or paused). */
  readonly clockTakeovers: readonly ClockTakeover[];
  /** Details of any nonzero count, for the report. */
  readonly problems: readonly string[];
}

export interface ClockTakeover {
  readonly previousHolderPid: number;
  readonly holderPid: number;
  /** Date.now() ms: when the previous grant expired, and when this one was made, by the database's clock. */
  readonly lapsedAt: number;
  readonly grantedAt: number;
}

const pidOf = (holder: string): number => Number(holder.split(':').at(-2));

const one = async (client: pg.Client, sql: string): Promise<number> => Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

/**
 * Reads the run's figures from its database. Positions are compared contract by contract: what the venue holds
 * (unexpired as of the last market time) against the sum of what the strategies' snapshots say they hold.
 */
export async function readFigures(databaseUrl: string): Promise<RunFigures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const problems: string[] = [];
    const duplicateClientOrderIds = await one(client, `SELECT count(*) AS n FROM (SELECT client_order_id FROM paper_order GROUP BY 1 HAVING count(*) > 1) d`);
    const twice = await client.query<{ client_order_id: string; submissions: number }>(`SELECT client_order_id, submissions FROM paper_order WHERE submissions > 1`);
    for (const row of twice.rows) problems.push(`intent sent ${row.submissions} times: ${row.client_order_id}`);

    const gaps = await client.query<{ id: string; version: number; max: number; count: string }>(`
      SELECT s.id, s.version, max(t.seq) AS max, count(t.*) AS count
        FROM strategy s JOIN transition t ON t.strategy_id = s.id
       GROUP BY s.id, s.version HAVING max(t.seq) <> count(t.*) OR max(t.seq) <> s.version OR min(t.seq) <> 1`);
    for (const row of gaps.rows) problems.push(`sequence gap in ${row.id}: version ${row.version}, max seq ${row.max}, ${row.count} rows`);

    // Two owners: a transition written under an older grant after one written under a newer grant, or a grant made
    // while the previous grant of the same lease had not expired.
    const interleaved = await client.query<{ strategy_id: string; seq: number }>(`
      SELECT strategy_id, seq FROM (
        SELECT strategy_id, seq, lease_token,
               max(lease_token) OVER (PARTITION BY strategy_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior
          FROM transition) t
       WHERE lease_token < prior`);
    for (const row of interleaved.rows) problems.push(`two owners: ${row.strategy_id} seq ${row.seq} written under an older lease`);
    const overlapping = await client.query<{ name: string; holder: string }>(
      `SELECT name, holder FROM lease_grant WHERE previous_expired_at IS NOT NULL AND previous_expired_at > granted_at`,
    );
    for (const row of overlapping.rows) problems.push(`two owners: ${row.name} granted to ${row.holder} before the previous grant expired`);

    const orphanedLegs = await orphans(client, problems);

    const counts = (await client.query<Record<string, string>>(`
      SELECT count(*) AS transitions,
             count(*) FILTER (WHERE to_state = 'ENTERING') AS entries,
             count(*) FILTER (WHERE to_state IN ('EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT')) AS exits,
             count(*) FILTER (WHERE to_state LIKE 'ROLL%') AS rolls,
             count(*) FILTER (WHERE to_state = 'RECOVERY') AS recoveries
        FROM transition`)).rows[0]!;
    return {
      duplicateClientOrderIds,
      intentsSentTwice: twice.rowCount ?? 0,
      orphanedLegs,
      sequenceGaps: gaps.rowCount ?? 0,
      twoOwnerMoments: (interleaved.rowCount ?? 0) + (overlapping.rowCount ?? 0),
      transitions: Number(counts.transitions),
      entries: Number(counts.entries),
      exits: Number(counts.exits),
      rolls: Number(counts.rolls),
      recoveries: Number(counts.recoveries),
      fencedCommands: await one(client, `SELECT count(*) AS n FROM operator_command WHERE outcome LIKE 'interrupted%' OR outcome LIKE '%no longer runs it%'`),
      ordersAtVenue: await one(client, `SELECT count(*) AS n FROM paper_order WHERE submissions > 0`),
      clockGrants: await one(client, `SELECT count(*) AS n FROM lease_grant WHERE name = 'clock'`),
      clockTakeovers: (
        await client.query<{ previous_holder: string; holder: string; previous_expired_at: Date; granted_at: Date }>(
          `SELECT previous_holder, holder, previous_expired_at, granted_at FROM lease_grant
            WHERE name = 'clock' AND previous_expired_at IS NOT NULL AND previous_holder <> holder ORDER BY id`,
        )
      ).rows.map((row) => ({
        previousHolderPid: pidOf(row.previous_holder),
        holderPid: pidOf(row.holder),
        lapsedAt: row.previous_expired_at.getTime(),
        grantedAt: row.granted_at.getTime(),
      })),
      problems,
    };
  } finally {
    await client.end();
  }
}

/** Contracts where the venue and the strategies disagree on the quantity held. */
async function orphans(client: pg.Client, problems: string[]): Promise<number> {
  const { rows } = await client.query<{ key: string; venue: string; strategies: string }>(`
    WITH now_ AS (SELECT (time AT TIME ZONE 'America/New_York')::date::text AS today FROM market_clock WHERE id = 1),
    venue AS (
      SELECT concat_ws(' ', underlying, expiry, strike::text, "right") AS key, sum(quantity) AS quantity
        FROM paper_position, now_ WHERE quantity <> 0 AND expiry >= now_.today GROUP BY 1
    ),
    held AS (
      SELECT concat_ws(' ', leg->'contract'->>'underlying', leg->'contract'->>'expiry', (leg->'contract'->>'strike')::float8::text,
                       leg->'contract'->>'right') AS key,
             sum((leg->>'quantity')::int) AS quantity
        FROM strategy, now_, jsonb_array_elements(COALESCE(snapshot->'context'->'position'->'legs', '[]'::jsonb)) AS leg
       WHERE leg->'contract'->>'expiry' >= now_.today
       GROUP BY 1
    )
    SELECT COALESCE(v.key, h.key) AS key, COALESCE(v.quantity, 0) AS venue, COALESCE(h.quantity, 0) AS strategies
      FROM venue v FULL JOIN held h ON h.key = v.key
     WHERE COALESCE(v.quantity, 0) <> COALESCE(h.quantity, 0)`);
  for (const row of rows) problems.push(`orphaned leg ${row.key}: venue ${row.venue}, strategies ${row.strategies}`);
  return rows.length;
}
