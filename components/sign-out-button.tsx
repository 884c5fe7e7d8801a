'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '@/lib/client/auth-client';

export function SignOutButton() {
  const router = useRouter();
  const [isPending, setPending] = useState(false);
  const signOut = async () => {
    setPending(true);
    await authClient.signOut();
    router.replace('/sign-in');
    router.refresh();
  };
  return (
    <button
      type="button"
      onClick={() => void signOut()}
      disabled={isPending}
      className="text-sm whitespace-nowrap text-slate-300 underline-offset-2 hover:text-slate-50 hover:underline disabled:opacity-50"
    >
      Sign out
    </button>
  );
}
