'use client';

import { useQuery } from '@tanstack/react-query';
import { formatMarketTime } from '@/components/format';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import type { RecentCommand } from '@/lib/api/contract';
import { commandQueries } from '@/lib/client/queries';

const STATUS_TONE: Record<RecentCommand['status'], string> = {
  pending: 'text-slate-300',
  executing: 'text-sky-300',
  done: 'text-green-300',
  rejected: 'text-amber-300',
  failed: 'text-red-300',
};

/** Who asked for what, why, and how it ended: the latest operator commands, moving live. */
export function RecentCommands() {
  const { data, error } = useQuery(commandQueries.recent());
  return (
    <Card>
      {error && <Notice tone="warning">Could not load the commands: {error.message}</Notice>}
      <Table caption="Recent commands" note="Newest first; the status moves as the engine works (wall-clock times)">
        <thead>
          <tr>
            <Th>When</Th>
            <Th>Command</Th>
            <Th>Who</Th>
            <Th>Reason</Th>
            <Th>Status</Th>
          </tr>
        </thead>
        <tbody>
          {data?.length === 0 && <EmptyRow columns={5}>No operator command yet.</EmptyRow>}
          {data?.map((command) => (
            <tr key={command.id}>
              <Td className="whitespace-nowrap tabular-nums">{formatMarketTime(command.createdAt, { withSeconds: true })}</Td>
              <Td>
                {command.type.replaceAll('_', ' ').toLowerCase()}
                {command.strategyId ? ` · ${command.strategyId}` : ''}
              </Td>
              <Td>{command.actor}</Td>
              <Td className="max-w-xs break-words">{command.reason}</Td>
              <Td>
                <span className={`font-semibold ${STATUS_TONE[command.status]}`}>{command.status}</span>
                {command.outcome && <span className="block text-xs text-slate-400">{command.outcome}</span>}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
