import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log';

/** Only this interface: whoever can connect is on this machine, so no session or token is asked. */
export const METRICS_HOST = '127.0.0.1';

export interface MetricsListenerOptions {
  readonly registry: Registry;
  /** 0 asks the system for a free port (tests); `startMetricsListener` reads the one it got from the server. */
  readonly port: number;
  readonly log: Logger;
}

/**
 * Serves `GET /metrics` on 127.0.0.1:`port`, apart from the app's own port. A port already taken (another server
 * on this machine) is logged as a warning and gives null: the server runs on without it, its metrics still readable
 * with the bearer token at /api/metrics. The listener never keeps the process alive on its own.
 */
export function startMetricsListener({ registry, port, log }: MetricsListenerOptions): Promise<Server | null> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('GET only\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        log.error({ err: error }, 'metrics could not be collected');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n');
      },
    );
  });
  return new Promise((resolve) => {
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (server.listening) return log.warn({ err: error }, 'metrics listener error');
      log.warn({ err: error, host: METRICS_HOST, port }, 'metrics listener not started: this server serves its metrics only at /api/metrics (with METRICS_TOKEN)');
      resolve(null);
    });
    server.listen(port, METRICS_HOST, () => {
      server.unref();
      log.info({ host: METRICS_HOST, port: (server.address() as AddressInfo).port }, 'metrics listening');
      resolve(server);
    });
  });
}
