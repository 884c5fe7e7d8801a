'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { reasonSchema, type Command } from '@/lib/api/contract';
import { previewQueries, type PreviewQuery } from '@/lib/client/preview-queries';
import { ApiError, commandQueries, isReauthenticationRequired, newIdempotencyKey, postOperatorAction, strategyQueries } from '@/lib/client/queries';
import { OverridePreviewPanel } from '@/components/override-preview';
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
  /**
   * What the action would send now (lib/client/preview-queries.ts), shown while the dialog is open; its fingerprint
   * goes with the confirmation. `stop`: the action goes out without a preview too (stopping always works in one
   * click); `start`: it may put risk back on, so it waits for the preview, and is refused when that changed.
   */
  preview?: { readonly query: PreviewQuery; readonly kind: 'stop' | 'start' };
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keeps Tab and Shift+Tab inside the dialog: from its last control to its first, and back. */
function trapTab(event: KeyboardEvent<HTMLDialogElement>) {
  if (event.key !== 'Tab') return;
  const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0);
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) return;
  const active = document.activeElement;
  const isInside = active instanceof Node && event.currentTarget.contains(active);
  if (event.shiftKey && (active === first || !isInside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !isInside)) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A button that asks for confirmation and a reason before sending an operator command, showing what an override would
 * send first. A refusal keeps the dialog open with the server's reason (and, when what it would send changed, the new
 * preview); success closes it and shows the outcome beside the button. The dialog is modal: Tab stays inside it,
 * Escape closes it, and focus returns to the button that opened it.
 */
export function OperatorActionDialog(props: OperatorActionDialogProps) {
  // A viewer sees no override buttons; the server refuses their requests anyway (403).
  return useCanOperate() ? <ActionDialog {...props} /> : null;
}

function ActionDialog({ label, title, explanation, url, send, variant, disabledReason, preview }: OperatorActionDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const ids = { title: useId(), reason: useId(), invalid: useId(), hint: useId() };
  const [isOpen, setIsOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [invalidReason, setInvalidReason] = useState<string | null>(null);
  const [unfinished, setUnfinished] = useState<Command | null>(null);
  /** The command as it ended, shown beside the button once the dialog has closed: what was actually sent. */
  const [settled, setSettled] = useState<Command | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState('');
  const queryClient = useQueryClient();
  const previewed = useQuery({ ...(preview?.query ?? previewQueries.none()), enabled: preview !== undefined && isOpen });
  const fingerprint = previewed.data?.fingerprint;

  const mutation = useMutation({
    mutationFn: (validReason: string) => (send ? send(validReason, idempotencyKey) : postOperatorAction(url, validReason, idempotencyKey, fingerprint)),
    onSuccess: (command) => {
      // Done (or nothing to follow): close. Still pending or executing: stay open and follow it live until it ends.
      const isOver = command === null || command.status === 'done';
      setUnfinished(isOver ? null : command);
      setSettled(isOver ? command : null);
      if (isOver) dialogRef.current?.close();
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.code === 'PREVIEW_CHANGED') || !preview) return;
      // Nothing was sent: show what it would send now; confirming again is a new action, with a new key.
      setIdempotencyKey(newIdempotencyKey());
      void queryClient.invalidateQueries({ queryKey: preview.query.queryKey });
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
  const shownOutcome = followed ?? settled;

  const open = () => {
    setUnfinished(null);
    setSettled(null);
    // One key per opening of the dialog: a double click or a retry of this action cannot act twice.
    setIdempotencyKey(newIdempotencyKey());
    setReason('');
    setInvalidReason(null);
    mutation.reset();
    dialogRef.current?.showModal();
    setIsOpen(true);
  };

  // Escape, Cancel and a finished command all close the dialog: focus goes back to the button that opened it.
  const onClose = () => {
    setIsOpen(false);
    openerRef.current?.focus();
  };
  const isWaitingForPreview = preview?.kind === 'start' && !fingerprint;

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
      <Button ref={openerRef} variant={variant} onClick={open} disabled={isDisabled} aria-describedby={isDisabled ? ids.hint : undefined} aria-haspopup="dialog">
        {label}
      </Button>
      {isDisabled && (
        <p id={ids.hint} className="text-xs text-slate-400">
          {disabledReason}
        </p>
      )}
      {shownOutcome && (
        <p role="status" className="max-w-md text-right text-xs text-slate-300">
          {label}: <span data-testid="command-status">{shownOutcome.status}</span>
          {shownOutcome.outcome ? ` (${shownOutcome.outcome})` : ''}
        </p>
      )}

      <dialog
        ref={dialogRef}
        aria-labelledby={ids.title}
        aria-modal="true"
        onClose={onClose}
        onKeyDown={trapTab}
        className={`m-auto w-full ${preview ? 'max-w-2xl' : 'max-w-md'} rounded-lg border border-slate-700 bg-slate-900 p-0 text-slate-100 shadow-xl`}
      >
        <form onSubmit={submit} noValidate className="space-y-4 p-5">
          <h2 id={ids.title} className="text-lg font-semibold">
            {title}
          </h2>
          {explanation && <div className="space-y-2 text-sm text-slate-300">{explanation}</div>}
          {preview && (
            <OverridePreviewPanel
              preview={previewed.data}
              isLoading={previewed.isLoading}
              error={previewed.error}
              withoutPreview={preview.kind === 'stop' ? 'Confirming still sends it, and the outcome says what was sent.' : 'It can be confirmed once the preview is back.'}
            />
          )}
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
            <Button type="submit" variant={variant} disabled={mutation.isPending || isWaitingForPreview} aria-busy={mutation.isPending}>
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
