'use client';

import { useRouter } from 'next/navigation';
import { QRCodeSVG } from 'qrcode.react';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { authClient } from '@/lib/client/auth-client';

const INPUT_CLASSES = 'w-full max-w-xs rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5 text-slate-100';

interface TwoFactorSettingsProps {
  readonly isEnabled: boolean;
  /** Whether this user may not turn it off (an admin while REQUIRE_ADMIN_2FA holds). */
  readonly isRequired: boolean;
}

/** What better-auth hands over when enrolment starts: the authenticator app's URI (with the secret) and backup codes. */
interface Enrolment {
  readonly totpURI: string;
  readonly backupCodes: readonly string[];
}

/**
 * Two-factor sign-in with an authenticator app (TOTP), through better-auth: the password starts enrolment (a QR
 * code, the secret as text, backup codes), a first code from the app turns it on; the password turns it off.
 */
export function TwoFactorSettings({ isEnabled, isRequired }: TwoFactorSettingsProps) {
  const router = useRouter();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  if (enrolment) {
    return (
      <ConfirmEnrolment
        enrolment={enrolment}
        onEnabled={() => {
          setEnrolment(null);
          router.refresh();
        }}
      />
    );
  }
  if (!isEnabled) return <StartEnrolment onStarted={setEnrolment} />;
  return (
    <div className="space-y-3">
      <p className="text-sm text-green-300" data-testid="two-factor-status">
        Two-factor sign-in is on: you sign in with your password and a code from your authenticator app.
      </p>
      {isRequired ? (
        <p className="text-sm text-slate-400">As an admin you must keep it on.</p>
      ) : (
        <TurnOff onTurnedOff={() => router.refresh()} />
      )}
    </div>
  );
}

/** A small form that asks for the password and hands it to `act`; `act` answers with an error message or null. */
function PasswordForm({ label, action, variant, act, children }: {
  label: string;
  action: string;
  variant: 'primary' | 'danger';
  act: (password: string) => Promise<string | null>;
  children?: ReactNode;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setPending(true);
    setError(null);
    const failure = await act(password);
    setPending(false);
    setError(failure);
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={label} className="space-y-2">
      {children}
      <label htmlFor={id} className="block text-sm text-slate-300">
        Your password
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input id={id} name="password" type="password" autoComplete="current-password" required className={INPUT_CLASSES} />
        <Button type="submit" variant={variant} disabled={isPending} aria-busy={isPending}>
          {action}
        </Button>
      </div>
      {error && <Notice tone="error">{error}</Notice>}
    </form>
  );
}

function StartEnrolment({ onStarted }: { onStarted: (enrolment: Enrolment) => void }) {
  const start = async (password: string) => {
    const { data, error } = await authClient.twoFactor.enable({ password });
    if (error) return error.message ?? 'Two-factor could not be started.';
    if (!data || !('totpURI' in data) || !data.totpURI) return 'The server did not return an authenticator secret.';
    onStarted({ totpURI: data.totpURI, backupCodes: data.backupCodes ?? [] });
    return null;
  };
  return (
    <PasswordForm label="Turn on two-factor sign-in" action="Turn on two-factor" variant="primary" act={start}>
      <p className="text-sm text-slate-300">Two-factor sign-in is off. Confirm your password to set up an authenticator app.</p>
    </PasswordForm>
  );
}

function ConfirmEnrolment({ enrolment, onEnabled }: { enrolment: Enrolment; onEnabled: () => void }) {
  const ids = { code: useId(), secret: useId() };
  const [error, setError] = useState<string | null>(null);
  const [isPending, setPending] = useState(false);
  const secret = new URL(enrolment.totpURI).searchParams.get('secret') ?? '';

  const verify = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.twoFactor.verifyTotp({ code });
    setPending(false);
    if (failure) return setError(failure.message ?? 'That code is not right.');
    onEnabled();
  };

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-300">
        Scan this QR code with your authenticator app, or type the secret into it. Then enter the code it shows to turn two-factor on.
      </p>
      <div className="flex flex-wrap items-start gap-6">
        <div className="rounded-md bg-white p-3">
          <QRCodeSVG value={enrolment.totpURI} size={176} title="QR code for your authenticator app" />
        </div>
        <div className="space-y-3">
          <div>
            <p id={ids.secret} className="text-xs text-slate-400">
              Secret (to type in by hand)
            </p>
            <code aria-labelledby={ids.secret} data-testid="totp-secret" className="font-mono text-sm break-all text-slate-100">
              {secret}
            </code>
          </div>
          <div>
            <p className="text-xs text-slate-400">Backup codes: keep them somewhere safe. Each signs you in once if you lose the app.</p>
            <ul aria-label="Backup codes" className="mt-1 grid grid-cols-2 gap-x-4 font-mono text-sm text-slate-100">
              {enrolment.backupCodes.map((code) => (
                <li key={code}>{code}</li>
              ))}
            </ul>
          </div>
        </div>
      </div>
      <form onSubmit={(event) => void verify(event)} aria-label="Confirm two-factor" className="space-y-2">
        <label htmlFor={ids.code} className="block text-sm text-slate-300">
          Code from your app
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <input id={ids.code} name="code" type="text" inputMode="numeric" pattern="\d{6}" autoComplete="one-time-code" required className={INPUT_CLASSES} />
          <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending}>
            Verify and turn on
          </Button>
        </div>
        {error && <Notice tone="error">{error}</Notice>}
      </form>
    </div>
  );
}

function TurnOff({ onTurnedOff }: { onTurnedOff: () => void }) {
  const turnOff = async (password: string) => {
    const { error } = await authClient.twoFactor.disable({ password });
    if (error) return error.message ?? 'Two-factor could not be turned off.';
    onTurnedOff();
    return null;
  };
  return <PasswordForm label="Turn off two-factor sign-in" action="Turn off two-factor" variant="danger" act={turnOff} />;
}
