import { NextResponse } from 'next/server';
import { alertWebhookBody } from '@/lib/api/contract';
import { changeAlertWebhook, removeAlertWebhook } from '@/lib/use-cases/manage-alert-webhooks';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { parseBody } from '../../../_lib/http';

export const dynamic = 'force-dynamic';

/** Admins: sets every setting of a webhook (enabling and disabling it among them). */
export const PUT = authorized<{ id: string }>('admin', async (request, { operator, params }) => {
  const settings = await parseBody(request, alertWebhookBody);
  return NextResponse.json({ webhook: await changeAlertWebhook({ by: operator, request }, params.id, settings) });
});

/** Admins: removes a webhook and its deliveries. */
export const DELETE = authorized<{ id: string }>('admin', async (request, { operator, params }) =>
  NextResponse.json({ removed: await removeAlertWebhook({ by: operator, request }, params.id) }),
);
export const { GET, POST, PATCH } = otherMethods('PUT', 'DELETE');
