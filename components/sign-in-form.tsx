'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { authClient } from '@/lib/client/auth-client';

const INPUT_CLASSES = 'w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5 text-slate-100';

interface Failure {
  readonly status: number;
  readonly message?: string;
}

const messageOf = (failure: Failure, fallback: string) =>
  failure.status === 429 ? 'Too many attempts: wait a minute and try again.' : (failure.message ?? fallback);

/**
 * Sign-in in one or two steps, through better-auth (rate-limited, every attempt recorded): email and password;
 * then, for a user with two-factor on, a code from their authenticator app or one of their backup codes.
 */
export function SignInForm() {
  const router = useRouter();
  const [step, setStep] = useState<'password' | 'second-factor'>('password');
  const enter = () => {
    router.replace('/');
    router.refresh();
  };
  return step === 'password' ? (
    <PasswordStep onSignedIn={enter} onSecondFactor={() => setStep('second-factor')} />
  ) : (
    <SecondFactorStep onSignedIn={enter} onStartOver={() => setStep('password')} />
  );
}

function PasswordStep({ onSignedIn, onSecondFactor }: { onSignedIn: () => void; onSecondFactor: () => void }) {
  const ids = { email: useId(), password: useId() };
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { data, error: failure } = await authClient.signIn.email({ email: String(form.get('email')), password: String(form.get('password')) });
    setPending(false);
    if (failure) return setError(messageOf(failure, 'Sign-in failed.'));
    // The password was right; better-auth now wants the second factor before it opens a session.
    if (data && 'twoFactorRedirect' in data && data.twoFactorRedirect) return onSecondFactor();
    onSignedIn();
  };

  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-3" aria-label="Sign in">
      <div className="space-y-1">
        <label htmlFor={ids.email} className="block text-sm text-slate-300">
          Email
        </label>
        <input id={ids.email} name="email" type="email" autoComplete="username" required className={INPUT_CLASSES} />
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.password} className="block text-sm text-slate-300">
          Password
        </label>
        <input id={ids.password} name="password" type="password" autoComplete="current-password" required className={INPUT_CLASSES} />
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending}>
        Sign in
      </Button>
    </form>
  );
}

/** The second step; after 5 wrong codes better-auth ends it, and the password is asked for again (start over). */
function SecondFactorStep({ onSignedIn, onStartOver }: { onSignedIn: () => void; onStartOver: () => void }) {
  const ids = { code: useId(), hint: useId() };
  const [kind, setKind] = useState<'totp' | 'backup'>('totp');
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    setPending(true);
    setError(null);
    const { error: failure } = kind === 'totp' ? await authClient.twoFactor.verifyTotp({ code }) : await authClient.twoFactor.verifyBackupCode({ code });
    setPending(false);
    if (failure) return setError(messageOf(failure, 'That code is not right.'));
    onSignedIn();
  };

  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-3" aria-label="Two-factor sign-in">
      <p id={ids.hint} className="text-sm text-slate-300">
        {kind === 'totp' ? 'Enter the 6-digit code your authenticator app shows for Wheelhouse.' : 'Enter one of the backup codes you saved when you turned two-factor on. Each works once.'}
      </p>
      <div className="space-y-1">
        <label htmlFor={ids.code} className="block text-sm text-slate-300">
          {kind === 'totp' ? 'Authenticator code' : 'Backup code'}
        </label>
        <input
          key={kind}
          id={ids.code}
          name="code"
          type="text"
          inputMode={kind === 'totp' ? 'numeric' : 'text'}
          pattern={kind === 'totp' ? '\\d{6}' : undefined}
          autoComplete="one-time-code"
          required
          autoFocus
          aria-describedby={ids.hint}
          className={INPUT_CLASSES}
        />
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      <div className="flex items-center justify-between gap-2">
        <span className="flex gap-3">
          <button type="button" className="text-xs text-sky-300 underline" onClick={() => setKind(kind === 'totp' ? 'backup' : 'totp')}>
            {kind === 'totp' ? 'Use a backup code instead' : 'Use an authenticator code instead'}
          </button>
          <button type="button" className="text-xs text-sky-300 underline" onClick={onStartOver}>
            Start over
          </button>
        </span>
        <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending}>
          Verify
        </Button>
      </div>
    </form>
  );
}
