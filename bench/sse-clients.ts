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

const FIELDS = { changeId: /"changeId":"([^"]*)"/, table: /"table":"([^"]*)"/, strategyId: /"strategyId":"([^"]*)"/ };
const field = (data: string, name: keyof typeof FIELDS): string | null => FIELDS[name].exec(data)?.[1] ?? null;

/**
 * The changes in `text` (complete data events only; `reload` and other named events are skipped); the rest is returned
 * to be completed by the next chunk. The fields are picked from the start of the data, not parsed from all of it: the
 * bench's hundreds of clients share one process, and parsing each a strategy's whole update would make the last of
 * them wait for the others' parsing, timing this process rather than the server.
 */
function parseChanges(text: string): { changes: Omit<ReceivedChange, 'receivedAt'>[]; rest: string } {
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  const changes = blocks.flatMap((block) => {
    const lines = block.split('\n');
    if (lines.some((line) => line.startsWith('event:'))) return [];
    const data = lines.find((line) => line.startsWith('data:'));
    const changeId = data && field(data, 'changeId');
    if (!data || !changeId) return [];
    return [{ changeId, table: field(data, 'table') ?? '', strategyId: field(data, 'strategyId') }];
  });
  return { changes, rest };
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
        const { changes, rest } = parseChanges(pending + chunk);
        pending = rest;
        for (const change of changes) received.push({ ...change, receivedAt });
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
