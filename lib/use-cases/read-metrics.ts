import { serverMetrics, type ServerMetrics } from '../server/metrics';

export interface MetricsText {
  readonly contentType: string;
  readonly text: string;
}

/** This process's metrics in Prometheus's text format. */
export async function readMetrics({ registry }: Pick<ServerMetrics, 'registry'> = serverMetrics()): Promise<MetricsText> {
  return { contentType: registry.contentType, text: await registry.metrics() };
}
