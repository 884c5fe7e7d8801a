'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { authClient } from '@/lib/client/auth-client';

/** Email and password, sent to better-auth's sign-in endpoint (rate-limited, every attempt recorded). */
export function SignInForm() {
  const router = useRouter();
  const ids = { email: useId(), password: useId() };
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.signIn.email({ email: String(form.get('email')), password: String(form.get('password')) });
    setPending(false);
    if (failure) {
      setError(failure.status === 429 ? 'Too many attempts: wait a minute and try again.' : (failure.message ?? 'Sign-in failed.'));
      return;
    }
    router.replace('/');
    router.refresh();
  };

  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-3" aria-label="Sign in">
      <div className="space-y-1">
        <label htmlFor={ids.email} className="block text-sm text-slate-300">
          Email
        </label>
        <input id={ids.email} name="email" type="email" autoComplete="username" required className="w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5 text-slate-100" />
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.password} className="block text-sm text-slate-300">
          Password
        </label>
        <input id={ids.password} name="password" type="password" autoComplete="current-password" required className="w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5 text-slate-100" />
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending}>
        Sign in
      </Button>
    </form>
  );
}
