'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { reasonSchema, type Command } from '@/lib/api/contract';
import { commandQueries, isReauthenticationRequired, newIdempotencyKey, postOperatorAction, strategyQueries } from '@/lib/client/queries';
import { ReauthenticateForm } from '@/components/reauthenticate-form';
import { useCanOperate } from '@/components/operator-context';

interface OperatorActionDialogProps {
  /** The button that opens the dialog, e.g. "Defensive Exit". */
  label: string;
  /** The dialog's title and accessible name, e.g. "Defensive exit: 0DTE Friday". */
  title: string;
  /** What the action will do, in the operator's terms. */
  explanation?: ReactNode;
  /** Where the command is POSTed with `{ reason }`. */
  url: string;
  /**
   * How the action is sent, when it is not a command to follow (e.g. a resume request, which waits for a
   * second operator): resolves once accepted; the dialog then closes.
   */
  send?: (reason: string, idempotencyKey: string) => Promise<Command | null>;
  variant: ButtonVariant;
  /** Why the action is unavailable right now; when set, the button is disabled and this is shown beside it. */
  disabledReason?: string | null;
}

/**
 * A button that asks for confirmation and a reason before sending an operator command. A refusal keeps
 * the dialog open with the server's reason; success closes it, and the event stream shows the outcome.
 */
export function OperatorActionDialog(props: OperatorActionDialogProps) {
  // A viewer sees no override buttons; the server refuses their requests anyway (403).
  return useCanOperate() ? <ActionDialog {...props} /> : null;
}

function ActionDialog({ label, title, explanation, url, send, variant, disabledReason }: OperatorActionDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const ids = { title: useId(), reason: useId(), invalid: useId(), hint: useId() };
  const [reason, setReason] = useState('');
  const [invalidReason, setInvalidReason] = useState<string | null>(null);
  const [unfinished, setUnfinished] = useState<Command | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState('');
  const queryClient = useQueryClient();

  const mutation = useMutation({
    mutationFn: (validReason: string) => (send ? send(validReason, idempotencyKey) : postOperatorAction(url, validReason, idempotencyKey)),
    onSuccess: (command) => {
      // Done (or nothing to follow): close. Still pending or executing: stay open and follow it live until it ends.
      const isOver = command === null || command.status === 'done';
      setUnfinished(isOver ? null : command);
      if (isOver) dialogRef.current?.close();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: strategyQueries.all() }),
  });
  // The command's status as the event stream moves it: pending -> executing -> done | rejected | failed.
  const recent = useQuery({ ...commandQueries.recent(), enabled: unfinished !== null });
  const followed = unfinished ? (recent.data?.find((command) => command.id === unfinished.id) ?? unfinished) : null;
  const isFollowedDone = followed?.status === 'done';
  useEffect(() => {
    if (isFollowedDone) dialogRef.current?.close();
  }, [isFollowedDone]);

  const open = () => {
    setUnfinished(null);
    // One key per opening of the dialog: a double click or a retry of this action cannot act twice.
    setIdempotencyKey(newIdempotencyKey());
    setReason('');
    setInvalidReason(null);
    mutation.reset();
    dialogRef.current?.showModal();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = reasonSchema.safeParse(reason);
    if (!parsed.success) {
      setInvalidReason(parsed.error.issues[0]?.message ?? 'The reason is not valid');
      reasonRef.current?.focus();
      return;
    }
    setInvalidReason(null);
    mutation.mutate(parsed.data);
  };

  const isDisabled = Boolean(disabledReason);

  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant={variant} onClick={open} disabled={isDisabled} aria-describedby={isDisabled ? ids.hint : undefined}>
        {label}
      </Button>
      {isDisabled && (
        <p id={ids.hint} className="text-xs text-slate-400">
          {disabledReason}
        </p>
      )}
      {followed && !isDisabled && (
        <p role="status" className="text-xs text-slate-300">
          {label}: <span data-testid="command-status">{followed.status}</span>
          {followed.outcome ? ` (${followed.outcome})` : ''}
        </p>
      )}

      <dialog
        ref={dialogRef}
        aria-labelledby={ids.title}
        className="m-auto w-full max-w-md rounded-lg border border-slate-700 bg-slate-900 p-0 text-slate-100 shadow-xl"
      >
        <form onSubmit={submit} noValidate className="space-y-4 p-5">
          <h2 id={ids.title} className="text-lg font-semibold">
            {title}
          </h2>
          {explanation && <div className="space-y-2 text-sm text-slate-300">{explanation}</div>}
          <div className="space-y-1">
            <label htmlFor={ids.reason} className="block text-sm font-medium">
              Reason
            </label>
            <textarea
              ref={reasonRef}
              id={ids.reason}
              name="reason"
              required
              minLength={3}
              maxLength={500}
              rows={3}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              aria-invalid={invalidReason !== null}
              aria-describedby={invalidReason ? ids.invalid : undefined}
              className="w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-sm focus:border-sky-400 focus:outline-none aria-invalid:border-red-500"
            />
            {invalidReason && (
              <p id={ids.invalid} className="text-sm text-red-300">
                {invalidReason}
              </p>
            )}
          </div>
          {followed && (
            <p role="status" className="rounded-md border border-slate-700 px-3 py-2 text-sm">
              Command {followed.id}: <strong>{followed.status}</strong>
              {followed.outcome ? ` (${followed.outcome})` : '…'}
            </p>
          )}
          {mutation.isError && !isReauthenticationRequired(mutation.error) && (
            <p role="alert" className="rounded-md border border-red-700 bg-red-950 px-3 py-2 text-sm text-red-100">
              {mutation.error.message}
            </p>
          )}
          <div className="flex items-center justify-end gap-2">
            {mutation.isPending && (
              <span role="status" className="mr-auto text-sm text-slate-300">
                Sending…
              </span>
            )}
            <Button onClick={() => dialogRef.current?.close()}>Cancel</Button>
            <Button type="submit" variant={variant} disabled={mutation.isPending} aria-busy={mutation.isPending}>
              Confirm
            </Button>
          </div>
        </form>
        {isReauthenticationRequired(mutation.error) && (
          <div className="px-5 pb-5">
            {/* Same reason, same key: the action goes through once the operator has confirmed who they are. */}
            <ReauthenticateForm onConfirmed={() => mutation.mutate(reason.trim())} />
          </div>
        )}
      </dialog>
    </div>
  );
}
