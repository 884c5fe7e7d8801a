import { NextResponse } from 'next/server';
import { readOverview } from '@/lib/use-cases/read-overview';
import { authorized, otherMethods } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Viewer: every strategy with its state, position, P&L and permit; the system mode; the market. */
export const GET = authorized('viewer', async () => NextResponse.json(await readOverview()));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
