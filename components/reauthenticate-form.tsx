'use client';

import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { isReauthenticationRequired, reauthenticate } from '@/lib/client/queries';

interface ReauthenticateFormProps {
  /** Called once the server has accepted the password or code: retry the sensitive action now. */
  onConfirmed: () => void;
}

/**
 * "Confirm it is you": shown where a sensitive action (approving a resume, changing a role, adding a user) was
 * refused for want of a recent authentication. The password, or a code from the authenticator app.
 */
export function ReauthenticateForm({ onConfirmed }: ReauthenticateFormProps) {
  const ids = { secret: useId(), hint: useId() };
  const [method, setMethod] = useState<'password' | 'code'>('password');
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const secret = String(new FormData(event.currentTarget).get('secret') ?? '');
    setPending(true);
    setError(null);
    try {
      await reauthenticate(method === 'password' ? { password: secret } : { code: secret.trim() });
      onConfirmed();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'That did not work: try again.');
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Confirm it is you" className="space-y-2 rounded-md border border-amber-700 bg-amber-950/40 p-3">
      <p id={ids.hint} className="text-sm text-amber-100">
        This action needs you to confirm who you are (within the last 5 minutes).
      </p>
      <label htmlFor={ids.secret} className="block text-sm font-medium">
        {method === 'password' ? 'Your password' : 'Authenticator code'}
      </label>
      <input
        key={method}
        id={ids.secret}
        name="secret"
        type={method === 'password' ? 'password' : 'text'}
        inputMode={method === 'code' ? 'numeric' : undefined}
        autoComplete={method === 'password' ? 'current-password' : 'one-time-code'}
        required
        aria-describedby={ids.hint}
        className="w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-sm"
      />
      {error && <Notice tone="error">{error}</Notice>}
      <div className="flex items-center justify-between gap-2">
        <button type="button" className="text-xs text-sky-300 underline" onClick={() => setMethod(method === 'password' ? 'code' : 'password')}>
          {method === 'password' ? 'Use an authenticator code instead' : 'Use your password instead'}
        </button>
        <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending}>
          Confirm
        </Button>
      </div>
    </form>
  );
}

/**
 * Why an admin action failed: the confirm-it-is-you form when it needs a fresh authentication (`onConfirmed` sends
 * the same request again, with the same key, and it goes through once), else the error in words.
 */
export function AdminActionFailure({ error, onConfirmed }: { error: Error | null; onConfirmed: () => void }) {
  if (!error) return null;
  if (isReauthenticationRequired(error)) return <ReauthenticateForm onConfirmed={onConfirmed} />;
  return (
    <p role="alert" className="rounded-md border border-red-700 bg-red-950 px-3 py-2 text-sm text-red-100">
      {error.message}
    </p>
  );
}
