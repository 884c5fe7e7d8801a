'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { EntryPermit } from '@/components/entry-permit';
import { formatClockTime, formatPosition, formatTimeInState } from '@/components/format';
import { BrokerFaultsPanel } from '@/components/broker-faults-panel';
import { OperatorActionDialog } from '@/components/operator-action-dialog';
import { ModeBanner, MarketClock, TradingModeStatus, UnconfirmedCancels } from '@/components/system-status';
import { useCanOperate, useOperator } from '@/components/operator-context';
import { RecentCommands } from '@/components/recent-commands';
import { RiskPanel } from '@/components/risk-panel';
import { StrategyCards } from '@/components/strategy-cards';
import { Card } from '@/components/ui/card';
import { Money } from '@/components/ui/money';
import { Notice } from '@/components/ui/notice';
import { StateBadge } from '@/components/ui/state-badge';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import type { Overview as OverviewData, StrategySummary } from '@/lib/api/contract';
import { previewQueries } from '@/lib/client/preview-queries';
import { postResumeRequest, strategyQueries } from '@/lib/client/queries';
import { isStricter, type SystemMode } from '@/lib/domain/system-mode';

const RESUME_URL = '/api/system/resume';
const approveUrl = (requestId: string) => `/api/system/resume/${encodeURIComponent(requestId)}/approve`;

/** The stops, laxest first: each is offered while it is stricter than the mode in force. */
const STOPS: readonly { mode: SystemMode; label: string; title: string; url: string; explanation: readonly string[] }[] = [
  {
    mode: 'HALTED',
    label: 'Halt Entries',
    title: 'Halt entries: all strategies',
    url: '/api/system/halt-entries',
    explanation: ['No strategy will enter a new position.', 'Held positions stay with their rules: profit targets, stops and rolls go on. Nothing is flattened.'],
  },
  {
    mode: 'REDUCING',
    label: 'Reduce Only',
    title: 'Reduce risk only: all strategies',
    url: '/api/system/reduce',
    explanation: ['Only orders that shrink risk go out: no entries, and no roll that opens a new leg.', 'Exits, stops and profit targets go on.'],
  },
  {
    mode: 'EMERGENCY',
    label: 'Emergency Halt',
    title: 'Emergency halt: all strategies',
    url: '/api/system/halt',
    explanation: [
      'No strategy will enter a new position.',
      'Every strategy holding a position exits it now, through EMERGENCY_EXIT.',
      'Once every position is flat the system is HALTED, until two operators resume it.',
    ],
  },
];

/** Stopping is always one click away (every stricter mode); going back towards RUNNING is a resume, which takes two people. */
function SystemActions({ system }: { system: OverviewData['system'] }) {
  return (
    <div className="flex flex-wrap items-start justify-end gap-2">
      {STOPS.filter((stop) => isStricter(stop.mode, system.mode)).map((stop) => (
        <OperatorActionDialog
          key={stop.mode}
          label={stop.label}
          title={stop.title}
          variant="danger"
          url={stop.url}
          preview={stop.mode === 'EMERGENCY' ? { query: previewQueries.halt(), kind: 'stop' } : undefined}
          explanation={
            <>
              {stop.explanation.map((line) => (
                <p key={line}>{line}</p>
              ))}
            </>
          }
        />
      ))}
      {system.mode !== 'RUNNING' && <ResumeAction pending={system.pendingResume} />}
    </div>
  );
}

/**
 * Resuming takes two people: one operator requests it, a different one approves it. The one who asked sees
 * their request waiting; everyone else sees what to approve and why.
 */
function ResumeAction({ pending }: { pending: OverviewData['system']['pendingResume'] }) {
  const me = useOperator();
  if (!pending) {
    return (
      <OperatorActionDialog
        key="request-resume"
        label="Request Resume"
        title="Request to resume trading: all strategies"
        variant="primary"
        url={RESUME_URL}
        send={postResumeRequest}
        explanation={
          <>
            <p>Strategies may enter new positions again once a different operator approves, each subject to its own entry rules and limits.</p>
            <p>The request expires if nobody approves it in time.</p>
          </>
        }
      />
    );
  }
  if (pending.requestedBy === me.name) {
    return (
      <p role="status" className="max-w-xs text-right text-sm text-amber-200">
        You requested a resume; waiting for another operator to approve it (until {formatClockTime(pending.expiresAt)}).
      </p>
    );
  }
  return (
    <OperatorActionDialog
      key={`approve-${pending.id}`}
      label="Approve Resume"
      title="Approve resuming trading: all strategies"
      variant="primary"
      url={approveUrl(pending.id)}
      explanation={
        <>
          <p>
            Requested by <strong>{pending.requestedBy}</strong>: “{pending.reason}”
          </p>
          <p>Strategies may enter new positions again, each subject to its own entry rules and limits.</p>
        </>
      }
    />
  );
}

function StrategyRow({ strategy, marketTime }: { strategy: StrategySummary; marketTime: string | undefined }) {
  return (
    <tr className="hover:bg-slate-800/50">
      <Td>
        <Link href={`/strategies/${encodeURIComponent(strategy.id)}`} className="font-medium text-sky-300 hover:underline">
          {strategy.name}
        </Link>
      </Td>
      <Td className="text-slate-300">{strategy.kind}</Td>
      <Td>
        <StateBadge state={strategy.state} />
      </Td>
      <Td className="font-mono whitespace-nowrap">{formatTimeInState(strategy.stateSince, marketTime) ?? '—'}</Td>
      <Td className="font-mono whitespace-nowrap">{formatPosition(strategy.position)}</Td>
      <Td className="text-right">
        <Money dollars={strategy.pnl} />
      </Td>
      <Td className="text-right">
        <Money dollars={strategy.realizedPnl} />
      </Td>
      <Td className="text-xs">
        <EntryPermit strategy={strategy} />
      </Td>
    </tr>
  );
}

/** The control room's front page: market clock, system mode with halt or resume, and every strategy. */
export function Overview() {
  const { data, error, isPending } = useQuery(strategyQueries.overview());
  const canOperate = useCanOperate();

  if (isPending) return <Notice>Loading strategies…</Notice>;
  if (!data) return <Notice tone="error">Could not load strategies: {error?.message}</Notice>;

  return (
    <div className="space-y-4">
      {/* Sticky: however far down the page, the mode and the stops (Emergency Halt) stay on screen. */}
      <Card className="sticky top-0 z-10">
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
          <MarketClock market={data.market} />
          <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
            <TradingModeStatus system={data.system} />
            <UnconfirmedCancels system={data.system} />
            <SystemActions system={data.system} />
          </div>
        </div>
      </Card>
      <ModeBanner system={data.system} />
      {error && <Notice tone="warning">Showing older data; the last refresh failed: {error.message}</Notice>}
      <StrategyCards strategies={data.strategies} marketTime={data.market?.time} className="md:hidden" />
      <Card className="hidden md:block">
        <Table caption="Strategies">
          <thead>
            <tr>
              <Th>Strategy</Th>
              <Th>Kind</Th>
              <Th>State</Th>
              <Th>In state</Th>
              <Th>Position</Th>
              <Th className="text-right">Unrealised P&amp;L</Th>
              <Th className="text-right">Realised P&amp;L</Th>
              <Th>Entry</Th>
            </tr>
          </thead>
          <tbody>
            {data.strategies.length === 0 && <EmptyRow columns={8}>No strategies configured.</EmptyRow>}
            {data.strategies.map((strategy) => (
              <StrategyRow key={strategy.id} strategy={strategy} marketTime={data.market?.time} />
            ))}
          </tbody>
        </Table>
      </Card>
      {data.risk && <RiskPanel risk={data.risk} strategies={data.strategies} />}
      <RecentCommands />
      {data.demoControls && canOperate && <BrokerFaultsPanel />}
    </div>
  );
}
