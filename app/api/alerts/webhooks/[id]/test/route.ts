import { NextResponse } from 'next/server';
import { sendTestAlert } from '@/lib/use-cases/send-test-alert';
import { authorized, otherMethods } from '../../../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Admins: queues a test alert to this webhook and answers 202 with the delivery's id; `GET /api/alerts` shows its outcome. */
export const POST = authorized<{ id: string }>('admin', async (_request, { operator, params }) =>
  NextResponse.json({ delivery: await sendTestAlert(operator, params.id) }, { status: 202 }),
);
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
