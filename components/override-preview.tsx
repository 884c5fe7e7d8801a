import type { OverridePreview, PlannedOrderView } from '@/lib/api/contract';
import { formatMarketTime, formatStrike } from '@/components/format';
import { Td, Th } from '@/components/ui/table';

interface OverridePreviewPanelProps {
  readonly preview: OverridePreview | undefined;
  readonly isLoading: boolean;
  readonly error: Error | null;
  /** What happens without a preview: a stop still goes out; a recovery waits for one. */
  readonly withoutPreview: string;
}

const price = (value: number): string => value.toFixed(2);
const net = (value: number): string => `${value < 0 ? 'debit' : 'credit'} ${price(Math.abs(value))}`;

/**
 * What an override would send now, before the operator confirms: per strategy, each order's legs (instrument, side,
 * quantity, limit price from the chain) and each order it would cancel at the broker, by client order id.
 */
export function OverridePreviewPanel({ preview, isLoading, error, withoutPreview }: OverridePreviewPanelProps) {
  return (
    // Scrolls on its own (and so takes the focus, for the keyboard), so that the reason and Confirm stay in view.
    <section aria-label="What this sends" tabIndex={0} className="max-h-[45vh] space-y-2 overflow-y-auto rounded-md border border-slate-700 p-3 text-sm focus-visible:outline-2 focus-visible:outline-sky-400">
      <h3 className="font-semibold">What this sends now</h3>
      {!preview && isLoading && <p role="status">Working out the orders…</p>}
      {!preview && error && (
        <p role="alert" className="text-amber-200">
          No preview: {error.message}. {withoutPreview}
        </p>
      )}
      {preview && <PreviewBody preview={preview} />}
    </section>
  );
}

function PreviewBody({ preview }: { preview: OverridePreview }) {
  const sendsNothing = preview.strategies.every((strategy) => strategy.orders.length === 0 && strategy.cancels.length === 0);
  return (
    <div className="space-y-3" data-testid="override-preview" data-fingerprint={preview.fingerprint}>
      {sendsNothing && <p className="font-medium">Nothing to send: no orders, no cancels.</p>}
      {preview.strategies.map((strategy) => (
        <div key={strategy.strategyId} className="space-y-1">
          <p className="font-medium">
            {strategy.name}: {strategy.from}
            {strategy.to && ` → ${strategy.to}`}
            {strategy.landsIn && ` → ${strategy.landsIn}`}
          </p>
          {strategy.refusal && <p className="text-amber-200">Refused now: {strategy.refusal}</p>}
          {strategy.orders.map((order) => (
            <OrderTable key={order.clientOrderId} order={order} />
          ))}
          {strategy.cancels.length > 0 && (
            <ul aria-label={`Cancels: ${strategy.name}`} className="list-disc pl-5">
              {strategy.cancels.map((cancel) => (
                <li key={cancel.clientOrderId}>
                  Cancel <span className="font-mono">{cancel.clientOrderId}</span> ({cancel.purpose.toLowerCase()}) at the broker
                </li>
              ))}
            </ul>
          )}
          {strategy.notes.map((note) => (
            <p key={note} className="text-slate-400">
              {note}
            </p>
          ))}
        </div>
      ))}
      {preview.notes.map((note) => (
        <p key={note} className="text-slate-400">
          {note}
        </p>
      ))}
      <p className="text-xs text-slate-400">Limit prices: the mids in the chain at {formatMarketTime(preview.barTime, { withSeconds: true })}, market time.</p>
    </div>
  );
}

/** One order: its legs in a table named by the order's purpose and client order id (kept in its own case: ids are exact). */
function OrderTable({ order }: { order: PlannedOrderView }) {
  const when = order.when === 'now' ? 'sent now' : 'sent once the order in doubt is settled, if nothing more filled; priced then';
  return (
    <table className="w-full border-collapse text-left text-sm">
      <caption className="pb-1 text-left caption-top">
        <span className="block font-semibold">
          {order.purpose} order <span className="font-mono font-normal">{order.clientOrderId}</span>
        </span>
        <span className="block text-xs text-slate-400">{`${when}; net ${net(order.netPrice)} a unit`}</span>
      </caption>
      <thead>
        <tr>
          <Th>Leg</Th>
          <Th>Side</Th>
          <Th className="text-right">Qty</Th>
          <Th className="text-right">Limit</Th>
        </tr>
      </thead>
      <tbody>
        {order.legs.map((leg) => (
          <tr key={`${leg.underlying}-${leg.expiry}-${leg.strike}-${leg.right}-${leg.side}`}>
            <Td className="font-mono">{`${leg.underlying} ${leg.expiry} ${formatStrike(leg.strike)}${leg.right}`}</Td>
            <Td>{leg.side}</Td>
            <Td className="text-right font-mono">{leg.quantity}</Td>
            <Td className="text-right font-mono">{price(leg.limitPrice)}</Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
