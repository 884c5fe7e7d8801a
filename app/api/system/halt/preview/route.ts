import { NextResponse } from 'next/server';
import { readHaltPreview } from '@/lib/use-cases/read-override-preview';
import { authorized, otherMethods } from '../../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: the exits and cancels an Emergency Halt would send now, strategy by strategy, before confirming it. */
export const GET = authorized('operator', async () => NextResponse.json(await readHaltPreview()));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
