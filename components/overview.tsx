'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { EntryPermit } from '@/components/entry-permit';
import { formatClockTime, formatPosition, formatTimeInState } from '@/components/format';
import { BrokerFaultsPanel } from '@/components/broker-faults-panel';
import { OperatorActionDialog } from '@/components/operator-action-dialog';
import { ModeBanner, MarketClock, TradingModeStatus } from '@/components/system-status';
import { useCanOperate, useOperator } from '@/components/operator-context';
import { RecentCommands } from '@/components/recent-commands';
import { RiskPanel } from '@/components/risk-panel';
import { Card } from '@/components/ui/card';
import { Money } from '@/components/ui/money';
import { Notice } from '@/components/ui/notice';
import { StateBadge } from '@/components/ui/state-badge';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import type { Overview as OverviewData, StrategySummary } from '@/lib/api/contract';
import { postResumeRequest, strategyQueries } from '@/lib/client/queries';
import { isStricter } from '@/lib/domain/system-mode';

const EMERGENCY_URL = '/api/system/halt';
const HALT_ENTRIES_URL = '/api/system/halt-entries';
const REDUCE_URL = '/api/system/reduce';
const RESUME_URL = '/api/system/resume';
const approveUrl = (requestId: string) => `/api/system/resume/${encodeURIComponent(requestId)}/approve`;

/**
 * Stopping is always one click away: every mode stricter than the current one is offered (Halt Entries, Reduce
 * Only, Emergency Halt). Going back towards RUNNING is a resume, which takes two people.
 */
function SystemActions({ system }: { system: OverviewData['system'] }) {
  return (
    <div className="flex flex-wrap items-start justify-end gap-2">
      {isStricter('HALTED', system.mode) && (
        <OperatorActionDialog
          key="halt-entries"
          label="Halt Entries"
          title="Halt entries: all strategies"
          variant="danger"
          url={HALT_ENTRIES_URL}
          explanation={
            <>
              <p>No strategy will enter a new position.</p>
              <p>Held positions stay with their rules: profit targets, stops and rolls go on. Nothing is flattened.</p>
            </>
          }
        />
      )}
      {isStricter('REDUCING', system.mode) && (
        <OperatorActionDialog
          key="reduce"
          label="Reduce Only"
          title="Reduce risk only: all strategies"
          variant="danger"
          url={REDUCE_URL}
          explanation={
            <>
              <p>Only orders that shrink risk go out: no entries, and no roll that opens a new leg.</p>
              <p>Exits, stops and profit targets go on.</p>
            </>
          }
        />
      )}
      {isStricter('EMERGENCY', system.mode) && (
        <OperatorActionDialog
          key="emergency"
          label="Emergency Halt"
          title="Emergency halt: all strategies"
          variant="danger"
          url={EMERGENCY_URL}
          explanation={
            <>
              <p>No strategy will enter a new position.</p>
              <p>Every strategy holding a position exits it now, through EMERGENCY_EXIT.</p>
              <p>Once every position is flat the system is HALTED, until two operators resume it.</p>
            </>
          }
        />
      )}
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
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-4">
          <MarketClock market={data.market} />
          <div className="flex items-start gap-4">
            <TradingModeStatus system={data.system} />
            <SystemActions system={data.system} />
          </div>
        </div>
      </Card>
      <ModeBanner system={data.system} />
      {error && <Notice tone="warning">Showing older data; the last refresh failed: {error.message}</Notice>}
      <Card>
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
