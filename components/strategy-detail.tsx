'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { memo, useCallback, useMemo, useState, type ReactNode } from 'react';
import { CycleTimeline } from '@/components/cycle-timeline';
import { EntryPermit } from '@/components/entry-permit';
import { formatMarketTime, formatMoney, formatPosition, formatStrike, formatTimeInState } from '@/components/format';
import { OperatorActionDialog } from '@/components/operator-action-dialog';
import { StateGraph } from '@/components/state-graph';
import { ModeBanner, MarketClock } from '@/components/system-status';
import { StrategyPauseAction } from '@/components/strategy-pause-action';
import { Card } from '@/components/ui/card';
import { Money } from '@/components/ui/money';
import { Notice } from '@/components/ui/notice';
import { StateBadge } from '@/components/ui/state-badge';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import type { ErrorRow, RefusalRow, StrategySummary, TransitionRow } from '@/lib/api/contract';
import { cycleTimeline } from '@/lib/client/cycle-timeline';
import { previewQueries } from '@/lib/client/preview-queries';
import { ApiError, strategyQueries } from '@/lib/client/queries';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-400">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function MarketTime({ marketTime, wallTime }: { marketTime: string; wallTime: string }) {
  return (
    <time dateTime={marketTime} title={`Wall clock: ${wallTime}`} className="font-mono whitespace-nowrap">
      {formatMarketTime(marketTime, { withSeconds: true })}
    </time>
  );
}

function PositionLegs({ position }: { position: NonNullable<StrategySummary['position']> }) {
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Fact label="Structure">{formatPosition(position)}</Fact>
        <Fact label={position.entryCash >= 0 ? 'Entry credit' : 'Entry debit'}>
          <span className="font-mono">{formatMoney(Math.abs(position.entryCash))}</span>
        </Fact>
        <Fact label="Opened">
          <span className="font-mono">{formatMarketTime(position.openedAt)}</span>
        </Fact>
      </dl>
      <Table caption="Position legs">
        <thead>
          <tr>
            <Th>Side</Th>
            <Th>Underlying</Th>
            <Th className="text-right">Quantity</Th>
            <Th className="text-right">Strike</Th>
            <Th>Right</Th>
            <Th>Expiry</Th>
          </tr>
        </thead>
        <tbody>
          {position.legs.map((leg, index) => (
            <tr key={`${index}-${leg.underlying}-${leg.expiry}-${leg.strike}-${leg.right}`}>
              <Td className={leg.quantity < 0 ? 'text-amber-300' : 'text-sky-300'}>{leg.quantity < 0 ? 'SHORT' : 'LONG'}</Td>
              <Td className="font-mono">{leg.underlying}</Td>
              <Td className="text-right font-mono">{Math.abs(leg.quantity)}</Td>
              <Td className="text-right font-mono">{formatStrike(leg.strike)}</Td>
              <Td>{leg.right === 'C' ? 'Call' : 'Put'}</Td>
              <Td className="font-mono">{leg.expiry}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function TransitionFilter({ state, onClear }: { state: string; onClear: () => void }) {
  return (
    <p role="status" className="mb-2 flex items-center gap-2 text-sm">
      <span>
        Showing transitions of <StateBadge state={state} /> (into or out of it)
      </span>
      <button type="button" onClick={onClear} className="rounded border border-slate-600 px-2 py-0.5 text-xs text-sky-300 hover:bg-slate-800">
        Clear
      </button>
    </p>
  );
}

/** One history row; memoized, so a page that gains a transition renders that row alone. */
const TransitionHistoryRow = memo(function TransitionHistoryRow({ row }: { row: TransitionRow }) {
  return (
    <tr>
      <Td className="text-right font-mono">{row.seq}</Td>
      <Td>
        <MarketTime marketTime={row.marketTime} wallTime={row.wallTime} />
      </Td>
      <Td className="whitespace-nowrap">
        {row.fromState ? <StateBadge state={row.fromState} /> : <span className="text-slate-400">start</span>}
        <span className="px-1.5 text-slate-400">→</span>
        <StateBadge state={row.toState} />
      </Td>
      <Td className="font-mono text-xs">{row.eventType}</Td>
      <Td>{row.actor}</Td>
      <Td className="text-slate-300">{row.reason ?? '—'}</Td>
    </tr>
  );
});

const TransitionHistory = memo(function TransitionHistory({ transitions, state }: { transitions: TransitionRow[]; state: string | null }) {
  const newestFirst = transitions
    .filter((row) => state === null || row.fromState === state || row.toState === state)
    .toSorted((a, b) => b.seq - a.seq);
  return (
    <Table caption="Transition history">
      <thead>
        <tr>
          <Th className="text-right">Seq</Th>
          <Th>Market time (ET)</Th>
          <Th>From → To</Th>
          <Th>Event</Th>
          <Th>Actor</Th>
          <Th>Reason</Th>
        </tr>
      </thead>
      <tbody>
        {newestFirst.length === 0 && <EmptyRow columns={6}>{state ? `No transitions into or out of ${state}.` : 'No transitions yet.'}</EmptyRow>}
        {newestFirst.map((row) => (
          <TransitionHistoryRow key={row.seq} row={row} />
        ))}
      </tbody>
    </Table>
  );
});

const Errors = memo(function Errors({ errors }: { errors: ErrorRow[] }) {
  return (
    <Table caption="Errors">
      <thead>
        <tr>
          <Th>Market time (ET)</Th>
          <Th>State</Th>
          <Th>Type</Th>
          <Th>Message</Th>
        </tr>
      </thead>
      <tbody>
        {errors.length === 0 && <EmptyRow columns={4}>No errors.</EmptyRow>}
        {errors.map((row) => (
          <tr key={row.id}>
            <Td>
              <MarketTime marketTime={row.marketTime} wallTime={row.wallTime} />
            </Td>
            <Td>
              <StateBadge state={row.state} />
            </Td>
            <Td className="font-mono text-xs text-red-300">{row.type}</Td>
            <Td>{row.message}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
});

const Refusals = memo(function Refusals({ refusals }: { refusals: RefusalRow[] }) {
  return (
    <Table caption="Refused events" note="The state did not accept them; nothing changed.">
      <thead>
        <tr>
          <Th>Market time (ET)</Th>
          <Th>State</Th>
          <Th>Event</Th>
          <Th>Actor</Th>
          <Th>Reason</Th>
        </tr>
      </thead>
      <tbody>
        {refusals.length === 0 && <EmptyRow columns={5}>No refused events.</EmptyRow>}
        {refusals.map((row) => (
          <tr key={row.id}>
            <Td>
              <MarketTime marketTime={row.marketTime} wallTime={row.wallTime} />
            </Td>
            <Td>
              <StateBadge state={row.state} />
            </Td>
            <Td className="font-mono text-xs">{row.eventType}</Td>
            <Td>{row.actor}</Td>
            <Td className="text-slate-300">{row.reason}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
});

/** One strategy: where it is, what it holds, the machine it runs, and everything that happened to it. */
export function StrategyDetail({ id }: { id: string }) {
  const { data, error, isPending } = useQuery(strategyQueries.detail(id));
  const [historyState, setHistoryState] = useState<string | null>(null);
  const toggleHistoryState = useCallback((state: string) => setHistoryState((held) => (held === state ? null : state)), []);
  const timeline = useMemo(() => (data ? cycleTimeline(data.transitions, data.errors, data.market?.time ?? null) : null), [data]);
  // The same list while the states are the same: a transition that stays in its state (a fill, a mark) leaves the graph alone.
  const visitedStates = timeline?.visited.join('\n') ?? '';
  const visited = useMemo(() => (visitedStates ? visitedStates.split('\n') : []), [visitedStates]);
  // The newest change of state: transitions that only update the context (fills, marks) stay in their state.
  const newest = useMemo(
    () => data?.transitions.filter((row) => row.fromState !== row.toState).reduce<TransitionRow | null>((top, row) => (top && top.seq > row.seq ? top : row), null) ?? null,
    [data],
  );
  const lastTransition = useMemo(() => (newest ? { seq: newest.seq, from: newest.fromState, to: newest.toState } : null), [newest]);

  if (isPending) return <Notice>Loading strategy…</Notice>;
  if (!data) {
    const isUnknown = error instanceof ApiError && error.status === 404;
    return (
      <div className="space-y-2">
        <Notice tone="error">
          {isUnknown ? `No strategy "${id}": ${error.message}` : `Could not load strategy: ${error?.message}`}
        </Notice>
        <Link href="/" className="text-sm text-sky-300 hover:underline">
          Back to the overview
        </Link>
      </div>
    );
  }

  const { strategy, market, system } = data;
  const timeInState = formatTimeInState(strategy.stateSince, market?.time);

  return (
    <div className="space-y-4">
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="space-y-1">
            <h1 className="text-2xl font-bold">{strategy.name}</h1>
            <p className="flex flex-wrap items-center gap-3 text-sm text-slate-300">
              <span>{strategy.kind}</span>
              <StateBadge state={strategy.state} />
              {strategy.pause && (
                <span data-testid="paused" className="rounded bg-amber-900 px-1.5 py-0.5 text-xs font-semibold text-amber-100">
                  Paused by {strategy.pause.actor}
                </span>
              )}
              <span>
                in state <span className="font-mono">{timeInState ?? '—'}</span>
                <span className="text-slate-400"> (since {formatMarketTime(strategy.stateSince)})</span>
              </span>
            </p>
          </div>
          <div className="flex flex-wrap items-start gap-2">
            {strategy.state === 'ERROR' && (
              <OperatorActionDialog
                label="Recover"
                title={`Recover: ${strategy.name}`}
                variant="primary"
                url={`/api/strategies/${encodeURIComponent(strategy.id)}/recover`}
                preview={{ query: previewQueries.strategy(strategy.id, 'recover'), kind: 'start' }}
                explanation={
                  <p>
                    Clears the circuit breaker. RECOVERY settles any order still in doubt at the broker, then the strategy
                    resumes holding its position or waits flat.
                  </p>
                }
              />
            )}
            <StrategyPauseAction strategy={strategy} />
            <OperatorActionDialog
              label="Defensive Exit"
              title={`Defensive exit: ${strategy.name}`}
              variant="warning"
              url={`/api/strategies/${encodeURIComponent(strategy.id)}/defensive-exit`}
              preview={{ query: previewQueries.strategy(strategy.id, 'defensive-exit'), kind: 'stop' }}
              disabledReason={strategy.position ? null : 'No open position: nothing to exit.'}
              explanation={
                <>
                  <p>Closes this strategy&apos;s whole position now, at market, whatever its profit or loss.</p>
                  <p className="font-mono">{formatPosition(strategy.position)}</p>
                </>
              }
            />
          </div>
        </div>
        <p className="mt-2 text-sm text-slate-400">
          {strategy.description}{' '}
          <a
            className="text-sky-300 underline hover:text-sky-200"
            href={`/api/strategies/${encodeURIComponent(strategy.id)}/record`}
            download={`${strategy.id}-record.json`}
          >
            Download record (JSON)
          </a>
        </p>
        {strategy.lastReason && (
          <p className="mt-1 text-sm">
            <span className="text-slate-400">Latest: </span>
            {strategy.lastReason}
          </p>
        )}
        <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-5">
          <Fact label="Unrealised P&L">
            <Money dollars={strategy.pnl} />
          </Fact>
          <Fact label="Realised P&L">
            <Money dollars={strategy.realizedPnl} />
          </Fact>
          <Fact label="Entry">
            <EntryPermit strategy={strategy} />
          </Fact>
          <Fact label="Errors this cycle">
            <span className={strategy.errorCount > 0 ? 'font-mono text-amber-300' : 'font-mono'}>{strategy.errorCount} of 3</span>
          </Fact>
          <Fact label="Market">
            <MarketClock market={market} />
          </Fact>
        </dl>
      </Card>
      <ModeBanner system={system} />
      {error && <Notice tone="warning">Showing older data; the last refresh failed: {error.message}</Notice>}

      <Card title="Position">
        {strategy.position ? <PositionLegs position={strategy.position} /> : <p className="text-sm text-slate-400">Flat: no open position.</p>}
      </Card>
      {/* The graph is the page's widest content: on a screen wider than the page it takes the screen's width. */}
      <Card className="mr-[min(0px,calc(50%_-_50vw_+_2rem))] ml-[min(0px,calc(50%_-_50vw_+_1rem))]">
        <StateGraph
          graph={data.graph}
          currentState={strategy.state}
          stateSince={strategy.stateSince}
          marketTime={market?.time ?? null}
          isMarketOpen={market?.isOpen ?? false}
          visited={visited}
          lastTransition={lastTransition}
          selectedState={historyState}
          onSelectState={toggleHistoryState}
        />
      </Card>
      <Card>
        <CycleTimeline timeline={timeline} />
      </Card>
      <Card>
        {historyState && <TransitionFilter state={historyState} onClear={() => setHistoryState(null)} />}
        <TransitionHistory transitions={data.transitions} state={historyState} />
      </Card>
      <Card>
        <Errors errors={data.errors} />
      </Card>
      <Card>
        <Refusals refusals={data.refusals} />
      </Card>
    </div>
  );
}
