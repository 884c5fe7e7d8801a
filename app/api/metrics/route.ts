import { authorizeMetricsScrape } from '@/lib/use-cases/authorize-metrics-scrape';
import { readMetrics } from '@/lib/use-cases/read-metrics';
import { otherMethods } from '../_lib/authorized';
import { respond } from '../_lib/http';

export const dynamic = 'force-dynamic';

/**
 * Prometheus metrics on the app's port, for a scraper holding METRICS_TOKEN (no session): 404 while no token is
 * set, 401 without one, 403 with a wrong one. On the server's own machine, the loopback listener needs none.
 */
export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    authorizeMetricsScrape(request);
    const { contentType, text } = await readMetrics();
    return new Response(text, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
  });
}
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
