import { NextResponse } from 'next/server';
import { verifyAudit } from '@/lib/use-cases/read-audit';
import { authorized, otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Viewer: whether the audit trail is as written ("intact"), or the first row (by id) that is not. Reads only. */
export const GET = authorized('viewer', async () => NextResponse.json(await verifyAudit()));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
