/** Plain Server-Sent-Events clients for the benches: what a browser's EventSource receives, timed on arrival. */
import http from 'node:http';

export interface ReceivedChange {
  readonly changeId: string;
  readonly table: string;
  readonly strategyId: string | null;
  /** Date.now() when the chunk holding the event arrived: comparable with the browser's and the writer's clocks. */
  readonly receivedAt: number;
}

export interface SseClient {
  readonly received: ReceivedChange[];
  close(): void;
}

/** The data events in `text` (complete events only); the rest is returned to be completed by the next chunk. */
function parseEvents(text: string): { events: string[]; rest: string } {
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events = blocks.flatMap((block) => {
    const lines = block.split('\n');
    if (lines.some((line) => line.startsWith('event:'))) return [];
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim());
    return data.length > 0 ? [data.join('\n')] : [];
  });
  return { events, rest };
}

/** Opens `/api/events` with `cookie`, resolving once the server has answered 200; every change is kept with its arrival time. */
export function openSseClient(baseUrl: string, cookie: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const received: ReceivedChange[] = [];
    const request = http.get(`${baseUrl}/api/events`, { agent: false, headers: { cookie, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET /api/events answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let pending = '';
      response.on('error', () => undefined);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const receivedAt = Date.now();
        const { events, rest } = parseEvents(pending + chunk);
        pending = rest;
        for (const data of events) {
          const change = JSON.parse(data) as { changeId: string; table: string; strategyId?: string | null };
          received.push({ changeId: change.changeId, table: change.table, strategyId: change.strategyId ?? null, receivedAt });
        }
      });
      resolve({ received, close: () => request.destroy() });
    });
    // After `close()` (or a server that stops first) the stream just ends: an error then changes nothing.
    request.on('error', reject);
  });
}

/** `count` clients, opened `batch` at a time so the server's session checks are not one thundering herd. */
export async function openSseClients(baseUrl: string, cookie: string, count: number, batch = 50): Promise<SseClient[]> {
  const clients: SseClient[] = [];
  for (let opened = 0; opened < count; opened += batch) {
    const size = Math.min(batch, count - opened);
    clients.push(...(await Promise.all(Array.from({ length: size }, () => openSseClient(baseUrl, cookie)))));
  }
  return clients;
}
