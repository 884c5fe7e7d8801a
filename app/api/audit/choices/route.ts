import { NextResponse } from 'next/server';
import { readAuditChoices } from '@/lib/use-cases/read-audit';
import { authorized, otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Viewer: what the audit page's filters offer (strategies, actors in the trail, kinds of row). */
export const GET = authorized('viewer', async () => NextResponse.json(await readAuditChoices()));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
