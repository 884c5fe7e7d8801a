import { NextResponse } from 'next/server';
import { auditQuerySchema } from '@/lib/api/contract';
import { readAuditPage } from '@/lib/use-cases/read-audit';
import { authorized, otherMethods } from '../_lib/authorized';
import { parseSearchParams } from '../_lib/http';

export const dynamic = 'force-dynamic';

/** Viewer: one page of the audit trail, newest first, filtered; `nextCursor` fetches the next (older) page. */
export const GET = authorized('viewer', async (request) => NextResponse.json(await readAuditPage(parseSearchParams(request, auditQuerySchema))));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
