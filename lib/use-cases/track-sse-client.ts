import { serverMetrics, type ServerMetrics } from '../server/metrics';

/**
 * Counts one more browser following live updates (`wheelhouse_sse_clients`) until the returned function is called;
 * calling it again changes nothing, so every way a stream can end may call it.
 */
export function trackSseClient(metrics: Pick<ServerMetrics, 'trackSseClient'> = serverMetrics()): () => void {
  return metrics.trackSseClient();
}
