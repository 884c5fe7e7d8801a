import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LiveIndicator } from '@/components/live-indicator';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Wheelhouse',
  description: 'Control room for automated options strategies',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="border-b border-slate-800 bg-slate-900">
            <nav aria-label="Main" className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-2">
              <Link href="/" className="text-lg font-bold tracking-tight text-slate-50">
                Wheelhouse
              </Link>
              <Link href="/" className="text-sm text-slate-300 hover:text-slate-50">
                Overview
              </Link>
              <span className="ml-auto">
                <LiveIndicator />
              </span>
            </nav>
          </header>
          <main className="mx-auto max-w-7xl space-y-4 px-4 py-4">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
