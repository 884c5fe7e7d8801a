import Link from 'next/link';
import { formatMoney } from '@/components/format';
import { Card } from '@/components/ui/card';
import { Money } from '@/components/ui/money';
import { Table, Td, Th } from '@/components/ui/table';
import { StrategyPauseAction } from '@/components/strategy-pause-action';
import type { Risk, StrategySummary } from '@/lib/api/contract';

type LimitUse = Risk['limits'][number];

const STATUS_STYLE: Record<LimitUse['status'], { bar: string; text: string }> = {
  ok: { bar: 'bg-emerald-500', text: 'text-slate-300' },
  warning: { bar: 'bg-amber-400', text: 'text-amber-200' },
  critical: { bar: 'bg-orange-500', text: 'text-orange-200' },
  breach: { bar: 'bg-red-600', text: 'text-red-200' },
};

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

/** A status in words, with the warning levels in force. */
function statusLabel(status: LimitUse['status'], [warning, critical]: Risk['warnAt']): string {
  if (status === 'warning') return `warning: past ${percent(warning)}`;
  if (status === 'critical') return `critical: past ${percent(critical)}`;
  return status === 'breach' ? 'breached' : 'within';
}

const MONEY_LIMITS = new Set(['buying power', 'vega', 'theta', 'daily loss', 'intraday drawdown']);
const number = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const figure = (limit: string, value: number) => (MONEY_LIMITS.has(limit) ? formatMoney(value) : number(value));

/** One limit as a bar: how much of it is used, coloured by how close it is, with the figures in words too. */
function LimitBar({ use, warnAt }: { use: LimitUse; warnAt: Risk['warnAt'] }) {
  const share = use.max > 0 ? use.used / use.max : 0;
  const style = STATUS_STYLE[use.status];
  return (
    <li data-testid="risk-limit" data-status={use.status} className="space-y-1">
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="capitalize">{use.limit}</span>
        <span className={`font-mono text-xs tabular-nums ${style.text}`}>
          {figure(use.limit, use.used)} of {figure(use.limit, use.max)} ({Math.round(share * 100)}%, {statusLabel(use.status, warnAt)})
        </span>
      </div>
      <div
        role="meter"
        aria-label={use.limit}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(Math.min(share, 1) * 100)}
        className="h-2 overflow-hidden rounded bg-slate-800"
      >
        <div className={`h-full ${style.bar}`} style={{ width: `${Math.min(share, 1) * 100}%` }} />
      </div>
    </li>
  );
}

/**
 * The account at the broker (net liquidation, cash, positions at mid, buying power used and available) and the book
 * against its limits: the book's Greeks and SPY concentration, each limit's use (amber, then orange, from the warning
 * levels in force; red when breached), and each strategy's share.
 */
export function RiskPanel({ risk, strategies }: { risk: Risk; strategies: readonly StrategySummary[] }) {
  const summaryOf = new Map(strategies.map((strategy) => [strategy.id, strategy]));
  return (
    <Card
      title="Risk"
      actions={
        <Link href="/settings/risk" className="text-xs text-sky-300 underline">
          Edit limits
        </Link>
      }
    >
      <div className="grid gap-4 lg:grid-cols-[1fr_2fr]">
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-400">Net liquidation</dt>
          <dd className="font-mono tabular-nums">{formatMoney(risk.netLiquidation)}</dd>
          <dt className="text-slate-400">P&amp;L since start</dt>
          <dd>
            <Money dollars={risk.netLiquidation - risk.startingBalance} />
          </dd>
          <dt className="text-slate-400">P&amp;L today</dt>
          <dd data-testid="day-pnl">
            <Money dollars={risk.dayPnl} />
          </dd>
          <dt className="text-slate-400">Below today&apos;s high</dt>
          <dd className="font-mono tabular-nums">{formatMoney(risk.drawdown)}</dd>
          <dt className="text-slate-400">Cash</dt>
          <dd className="font-mono tabular-nums">{formatMoney(risk.cash)}</dd>
          <dt className="text-slate-400">Positions at mid</dt>
          <dd className="font-mono tabular-nums">{formatMoney(risk.positionsValue)}</dd>
          <dt className="text-slate-400">Buying power used</dt>
          <dd className="font-mono tabular-nums">{formatMoney(risk.buyingPowerUsed)}</dd>
          <dt className="text-slate-400">Buying power available</dt>
          <dd className={`font-mono tabular-nums ${risk.buyingPowerAvailable < 0 ? 'text-red-400' : ''}`}>
            {formatMoney(risk.buyingPowerAvailable)}
          </dd>
          <dt className="text-slate-400">SPY-equivalent delta</dt>
          <dd className="font-mono tabular-nums" data-testid="spy-delta">
            {number(risk.spyDelta)}
          </dd>
          <dt className="text-slate-400">Delta / gamma</dt>
          <dd className="font-mono tabular-nums">
            {number(risk.greeks.delta)} / {number(risk.greeks.gamma, 2)}
          </dd>
          <dt className="text-slate-400">Vega / theta</dt>
          <dd className="font-mono tabular-nums">
            {formatMoney(risk.greeks.vega)} / {formatMoney(risk.greeks.theta)}
          </dd>
        </dl>
        <ul aria-label="Limits" className="space-y-3">
          {risk.limits.map((use) => (
            <LimitBar key={use.limit} use={use} warnAt={risk.warnAt} />
          ))}
        </ul>
      </div>
      <div className="mt-4">
        <Table caption="By strategy" note="Greeks from the project's own pricing; SPY-equivalent delta by dollar delta and beta.">
          <thead>
            <tr>
              <Th>Strategy</Th>
              <Th className="text-right">Buying power</Th>
              <Th className="text-right">SPY δ</Th>
              <Th className="text-right">Delta</Th>
              <Th className="text-right">Gamma</Th>
              <Th className="text-right">Vega</Th>
              <Th className="text-right">Theta</Th>
              <Th className="text-right">P&amp;L</Th>
              <Th>Entries</Th>
            </tr>
          </thead>
          <tbody>
            {risk.strategies.map((strategy) => {
              const summary = summaryOf.get(strategy.id);
              return (
                <tr key={strategy.id}>
                  <Td>{strategy.name}</Td>
                  <Td className="text-right font-mono tabular-nums">{formatMoney(strategy.buyingPower)}</Td>
                  <Td className="text-right font-mono tabular-nums">{number(strategy.spyDelta)}</Td>
                  <Td className="text-right font-mono tabular-nums">{number(strategy.greeks.delta)}</Td>
                  <Td className="text-right font-mono tabular-nums">{number(strategy.greeks.gamma, 2)}</Td>
                  <Td className="text-right font-mono tabular-nums">{formatMoney(strategy.greeks.vega)}</Td>
                  <Td className="text-right font-mono tabular-nums">{formatMoney(strategy.greeks.theta)}</Td>
                  <Td className="text-right">
                    <Money dollars={strategy.pnl} />
                  </Td>
                  <Td>
                    {summary && (
                      <div className="flex items-center gap-2">
                        <span className="text-xs text-slate-400">{summary.pause ? 'paused' : 'open'}</span>
                        <StrategyPauseAction strategy={summary} />
                      </div>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </div>
    </Card>
  );
}
