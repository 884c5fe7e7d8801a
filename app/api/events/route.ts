import { watchChanges } from '@/lib/use-cases/watch-changes';
import { authorized, otherMethods } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events: every database change notification, fanned out from this process's one LISTEN
 * connection. A `resync` event after a lost connection tells the page to re-read everything.
 */
export const GET = authorized('viewer', async (request) => {
  const encoder = new TextEncoder();
  let cleanup: () => void = () => undefined;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const unsubscribe = await watchChanges(
        (change) => write(`data: ${JSON.stringify(change)}\n\n`),
        () => write('event: resync\ndata: {}\n\n'),
      );
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      request.signal.addEventListener('abort', () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      write('retry: 2000\n\n');
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
});
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
