-- Entry VIX ranges move from each kind's own keys into one shape, "entryVix": { "above" | "atLeast", "atMost" }
-- (lib/domain/strategies/vix-range.ts). Each strategy keeps its settings twice, in the column and in the persisted
-- machine's context, and both copies move; a copy that already has "entryVix" is left as it is, so running this
-- again changes nothing. "version" stays: it is the latest transition's sequence number. History tables keep no
-- settings and are not touched.
WITH legacy_key (kind, legacy, bound) AS (
  VALUES
    ('ZERO_DTE', 'vixAbove', 'above'),
    ('ZERO_DTE', 'vixAtMost', 'atMost'),
    ('IPMCC', 'vixAbove', 'above'),
    ('IPMCC', 'vixAtMost', 'atMost'),
    ('LT112', 'vixMin', 'atLeast'),
    ('LT112', 'vixMax', 'atMost'),
    ('FUTURES_STRANGLE', 'vixMin', 'atLeast'),
    ('FUTURES_STRANGLE', 'vixMax', 'atMost'),
    ('LEAP_LADDER', 'vixAtMost', 'atMost')
),
moved AS (
  SELECT
    s.id,
    ARRAY(SELECT k.legacy FROM legacy_key k WHERE k.kind = s.kind) AS legacy_keys,
    (SELECT jsonb_object_agg(k.bound, s.settings -> k.legacy)
       FROM legacy_key k
      WHERE k.kind = s.kind AND s.settings ? k.legacy AND NOT s.settings ? 'entryVix') AS column_range,
    (SELECT jsonb_object_agg(k.bound, s.snapshot #> ARRAY['context', 'settings', k.legacy])
       FROM legacy_key k
      WHERE k.kind = s.kind AND (s.snapshot #> '{context,settings}') ? k.legacy
        AND NOT (s.snapshot #> '{context,settings}') ? 'entryVix') AS snapshot_range
  FROM "strategy" s
)
UPDATE "strategy" s
   SET settings = CASE WHEN m.column_range IS NULL THEN s.settings
                       ELSE (s.settings - m.legacy_keys) || jsonb_build_object('entryVix', m.column_range) END,
       snapshot = CASE WHEN m.snapshot_range IS NULL THEN s.snapshot
                       ELSE jsonb_set(s.snapshot, '{context,settings}',
                                      ((s.snapshot #> '{context,settings}') - m.legacy_keys)
                                        || jsonb_build_object('entryVix', m.snapshot_range)) END,
       updated_at = now()
  FROM moved m
 WHERE m.id = s.id AND (m.column_range IS NOT NULL OR m.snapshot_range IS NOT NULL);
