import { NextResponse } from 'next/server';
import type { AlertsResponse } from '@/lib/api/contract';
import { readAlerts } from '@/lib/use-cases/read-alerts';
import { authorized, otherMethods } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operators: the alert webhooks (URLs in full for admins only) and the latest deliveries with their outcome. */
export const GET = authorized('operator', async (_request, { operator }) => NextResponse.json((await readAlerts(operator)) satisfies AlertsResponse));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
