import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../log';
import { createMetrics } from './metrics';
import { METRICS_HOST, startMetricsListener } from './metrics-listener';

const fakeLog = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });
const started: Server[] = [];

async function start(port = 0, log = fakeLog()) {
  const metrics = createMetrics({ processMetrics: false });
  const server = await startMetricsListener({ registry: metrics.registry, port, log: log as unknown as Logger });
  if (server) started.push(server);
  return { server, metrics, log };
}

const urlOf = (server: Server, path: string) => `http://${METRICS_HOST}:${(server.address() as AddressInfo).port}${path}`;

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('the loopback metrics listener', () => {
  it('serves GET /metrics in the Prometheus text format, with no session or token', async () => {
    const { server, metrics } = await start();
    metrics.signals.emit({ kind: 'leases', held: 3 });
    const response = await fetch(urlOf(server!, '/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('wheelhouse_leases_held 3');
  });

  it('listens on 127.0.0.1 only', async () => {
    const { server } = await start();
    expect(server!.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
  });

  it('answers anything but /metrics with 404, and a POST with 405', async () => {
    const { server } = await start();
    expect((await fetch(urlOf(server!, '/'))).status).toBe(404);
    expect((await fetch(urlOf(server!, '/api/metrics'))).status).toBe(404);
    expect((await fetch(urlOf(server!, '/metrics'), { method: 'POST' })).status).toBe(405);
  });

  it('logs a warning and gives null when its port is taken, without throwing', async () => {
    const { server: first } = await start();
    const port = (first!.address() as AddressInfo).port;
    const { server: second, log } = await start(port);
    expect(second).toBeNull();
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ port }), expect.stringContaining('metrics listener not started'));
  });
});
