'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { formatMarketTime } from '@/components/format';
import { useOperator } from '@/components/operator-context';
import { AdminActionFailure } from '@/components/reauthenticate-form';
import { draftOf, limitFields, limitsOfDraft, shown, type LimitField } from '@/components/risk-limits-draft';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import type { RiskLimitsChangeBody, RiskLimitsResponse } from '@/lib/api/contract';
import { hasRole } from '@/lib/auth/roles';
import { newIdempotencyKey, putRiskLimits, riskLimitQueries, strategyQueries } from '@/lib/client/queries';
import { limitChanges, type LimitChange } from '@/lib/domain/risk/limit-changes';

const INPUT_CLASSES = 'w-32 rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-right font-mono text-sm text-slate-100';

/**
 * The risk limits the coordinator checks every entry against: each with its unit and DESIGN.md's default, and who
 * changed them last and why. Operators tighten them with a reason; raising any of them takes an admin, who
 * confirms who they are first. Everyone else sees them.
 */
export function RiskLimitsSettings() {
  const query = useQuery(riskLimitQueries.current());
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  if (query.isPending) return <Notice>Loading the risk limits…</Notice>;
  if (query.isError) return <Notice tone="error">Could not load the risk limits: {query.error.message}</Notice>;
  const stored = query.data;
  return (
    <Card title="Risk limits">
      <div className="space-y-4">
        <LastChange stored={stored} />
        {/* A new version (saved here or anywhere) shows what is now in force. */}
        <RiskLimitsForm key={stored.version} stored={stored} onSaved={setSavedVersion} />
        {savedVersion !== null && savedVersion === stored.version && (
          <p role="status" className="text-sm text-green-300">
            Saved: the limits are now version {savedVersion}.
          </p>
        )}
      </div>
    </Card>
  );
}

function LastChange({ stored }: { stored: RiskLimitsResponse }) {
  if (stored.version === 0 || !stored.changedAt) return <p className="text-sm text-slate-300">DESIGN.md&apos;s defaults: nobody has changed them.</p>;
  return (
    <p data-testid="last-change" className="text-sm text-slate-300">
      Version {stored.version}, changed by {stored.changedBy} on {formatMarketTime(stored.changedAt)}: {stored.reason}
    </p>
  );
}

interface RiskLimitsFormProps {
  readonly stored: RiskLimitsResponse;
  readonly onSaved: (version: number) => void;
}

function RiskLimitsForm({ stored, onSaved }: RiskLimitsFormProps) {
  const { role } = useOperator();
  const ids = { reason: useId() };
  const fields = useMemo(() => limitFields(stored.strategies), [stored.strategies]);
  const [draft, setDraft] = useState(() => draftOf(stored.limits, fields));
  const [reason, setReason] = useState('');
  // One key per edit of one version: a retry (after confirming who you are) is the same change.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: RiskLimitsChangeBody) => putRiskLimits(body, idempotencyKey),
    onSuccess: (response) => {
      onSaved(response.version);
      queryClient.setQueryData(riskLimitQueries.all(), response);
      void queryClient.invalidateQueries({ queryKey: strategyQueries.overview().queryKey, exact: true });
    },
  });

  const result = limitsOfDraft(draft, stored.limits, fields);
  const changes = result.limits ? limitChanges(stored.limits, result.limits) : [];
  const raised = changes.filter((change) => change.isRaised);
  const canEdit = hasRole(role, 'operator');
  const mayRaise = hasRole(role, 'admin');
  const body = result.limits && { limits: result.limits, reason, version: stored.version };
  const canSave = canEdit && body !== null && changes.length > 0 && (raised.length === 0 || mayRaise) && !save.isPending;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (body) save.mutate(body);
  };
  const fieldOf = (key: string) => fields.find((field) => field.key === key);

  return (
    <>
      <form onSubmit={submit} aria-label="Risk limits" className="space-y-4">
        <div className="grid gap-x-6 gap-y-3 md:grid-cols-2">
          {fields.map((field) => (
            <LimitInput
              key={field.key}
              field={field}
              value={draft[field.key] ?? ''}
              problem={result.problems?.[field.key] ?? null}
              isReadOnly={!canEdit}
              onChange={(value) => setDraft({ ...draft, [field.key]: value })}
            />
          ))}
        </div>
        {changes.length > 0 && <ChangeList changes={changes} fieldOf={fieldOf} />}
        {raised.length > 0 && <RaiseNotice raised={raised.map((change) => fieldOf(change.field)?.label ?? change.field)} mayRaise={mayRaise} />}
        {canEdit ? (
          <div className="flex flex-wrap items-end gap-3">
            <div className="min-w-64 flex-1 space-y-1">
              <label htmlFor={ids.reason} className="block text-sm font-medium text-slate-300">
                Reason
              </label>
              <input
                id={ids.reason}
                type="text"
                required
                minLength={3}
                maxLength={500}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                className="w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-sm text-slate-100"
              />
            </div>
            <Button type="submit" variant="primary" disabled={!canSave} aria-busy={save.isPending}>
              Save limits
            </Button>
          </div>
        ) : (
          <Notice>Viewers see the limits; operators tighten them, and admins raise them.</Notice>
        )}
      </form>
      {/* Outside the form above: the re-authentication step is a form of its own. */}
      <AdminActionFailure error={save.error} onConfirmed={() => body && save.mutate(body)} />
    </>
  );
}

interface LimitInputProps {
  readonly field: LimitField;
  readonly value: string;
  readonly problem: string | null;
  readonly isReadOnly: boolean;
  readonly onChange: (value: string) => void;
}

function LimitInput({ field, value, problem, isReadOnly, onChange }: LimitInputProps) {
  const ids = { input: useId(), hint: useId(), problem: useId() };
  return (
    <div className="space-y-1">
      <label htmlFor={ids.input} className="block text-sm font-medium text-slate-300">
        {field.label}
      </label>
      <div className="flex items-baseline gap-2">
        <input
          id={ids.input}
          type="number"
          step="any"
          inputMode="decimal"
          value={value}
          readOnly={isReadOnly}
          aria-invalid={problem !== null}
          aria-describedby={problem ? `${ids.hint} ${ids.problem}` : ids.hint}
          onChange={(event) => onChange(event.target.value)}
          className={INPUT_CLASSES}
        />
        <span id={ids.hint} className="text-xs text-slate-400">
          {field.unit}; default {field.defaultShown === '' ? 'none' : field.defaultShown}
        </span>
      </div>
      {problem && (
        <p id={ids.problem} className="text-xs text-red-300">
          {problem}
        </p>
      )}
    </div>
  );
}

/** What saving would change, in the inputs' own units, each marked raised or tightened. */
function ChangeList({ changes, fieldOf }: { changes: readonly LimitChange[]; fieldOf: (key: string) => LimitField | undefined }) {
  return (
    <ul aria-label="Changes" className="space-y-0.5 text-sm text-slate-300">
      {changes.map((change) => {
        const field = fieldOf(change.field);
        const scale = field?.scale ?? 1;
        const value = (stored: number | null) => (stored === null ? 'none' : `${shown(stored, scale)}${scale === 100 ? '%' : ''}`);
        return (
          <li key={change.field}>
            {field?.label ?? change.field}: {value(change.before)} → {value(change.after)}{' '}
            <span className={change.isRaised ? 'text-amber-300' : 'text-slate-400'}>({change.isRaised ? 'raised' : 'tightened'})</span>
          </li>
        );
      })}
    </ul>
  );
}

function RaiseNotice({ raised, mayRaise }: { raised: readonly string[]; mayRaise: boolean }) {
  const what = raised.join(', ');
  if (!mayRaise) return <Notice tone="error">This raises {what}: only an admin may raise a limit. Operators may tighten them.</Notice>;
  return (
    <Notice tone="warning">
      This raises {what}: raising a limit needs a fresh authentication. You will be asked for your password or an authenticator code
      unless you gave one in the last 5 minutes.
    </Notice>
  );
}

