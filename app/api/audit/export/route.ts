import { z } from 'zod';
import { auditQuerySchema } from '@/lib/api/contract';
import { exportAudit } from '@/lib/use-cases/read-audit';
import { authorized, otherMethods } from '../../_lib/authorized';
import { parseSearchParams, streamText } from '../../_lib/http';

export const dynamic = 'force-dynamic';

const exportQuerySchema = auditQuerySchema.omit({ cursor: true, limit: true }).extend({ format: z.enum(['csv', 'json']).default('csv') });

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/** Viewer: every row the filters match, as a CSV or JSON file, streamed from the database in batches. */
export const GET = authorized('viewer', async (request) => {
  const { format, ...filters } = parseSearchParams(request, exportQuerySchema);
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
  return streamText(exportAudit({ ...filters, limit: 1_000 }, format), {
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="wheelhouse-audit-${stamp}.${format}"`,
  });
});
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
