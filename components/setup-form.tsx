'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { authClient } from '@/lib/client/auth-client';
import { setUpFirstAdmin } from '@/lib/client/queries';

const INPUT_CLASSES = 'w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5 text-slate-100';

const FIELDS = [
  { name: 'name', label: 'Name', type: 'text', autoComplete: 'name' },
  { name: 'email', label: 'Email', type: 'email', autoComplete: 'username' },
  { name: 'password', label: 'Password (12+ characters)', type: 'password', autoComplete: 'new-password' },
  { name: 'passwordAgain', label: 'Password again', type: 'password', autoComplete: 'new-password' },
] as const;

/** Creates the first admin (POST /api/setup), then signs them in with the same email and password. */
export function SetupForm() {
  const router = useRouter();
  const idPrefix = useId();
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const valueOf = (name: (typeof FIELDS)[number]['name']) => String(form.get(name) ?? '');
    const [email, password] = [valueOf('email'), valueOf('password')];
    setPending(true);
    setError(null);
    try {
      await setUpFirstAdmin({ name: valueOf('name'), email, password, passwordAgain: valueOf('passwordAgain') });
    } catch (failure) {
      setPending(false);
      return setError(failure instanceof Error ? failure.message : 'The setup failed.');
    }
    const { error: signInFailure } = await authClient.signIn.email({ email, password });
    if (signInFailure) {
      router.replace('/sign-in');
      return;
    }
    router.replace('/');
    router.refresh();
  };

  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-3" aria-label="Set up the first admin">
      {FIELDS.map((field) => (
        <div key={field.name} className="space-y-1">
          <label htmlFor={`${idPrefix}-${field.name}`} className="block text-sm text-slate-300">
            {field.label}
          </label>
          <input
            id={`${idPrefix}-${field.name}`}
            name={field.name}
            type={field.type}
            autoComplete={field.autoComplete}
            minLength={field.type === 'password' ? 12 : undefined}
            required
            className={INPUT_CLASSES}
          />
        </div>
      ))}
      {error && <Notice tone="error">{error}</Notice>}
      <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending}>
        Create the first admin
      </Button>
    </form>
  );
}
