import { z } from 'zod';
import { RELOAD_EVENT, strategyIdSchema } from '@/lib/api/contract';
import { AppError } from '@/lib/errors';
import { isStillAuthorized } from '@/lib/use-cases/authorize-request';
import { watchChanges, type StreamEvent } from '@/lib/use-cases/watch-changes';
import { authorized, otherMethods } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

const HEARTBEAT_MS = 15_000;

/** A change id; anything else (a reset database's, a forged one) is treated as unknown: the page re-reads all. */
const lastEventId = z.string().regex(/^\d{1,18}$/);

/**
 * Where the stream starts and what it watches. A browser's own reconnect sends `Last-Event-ID`; a page that opens a
 * new stream (it moved to another strategy's page) says where its last one ended with `after`, as a new EventSource
 * cannot set the header. `strategy`: the strategy whose page is shown, whose transitions come with their data.
 */
function streamOptions(request: Request): { afterChangeId: string | null; watching: string | null } {
  const query = new URL(request.url).searchParams;
  const strategy = query.get('strategy');
  const watching = strategy === null ? null : strategyIdSchema.safeParse(strategy);
  if (watching && !watching.success) throw new AppError('VALIDATION_FAILED', `strategy: ${watching.error.issues[0]?.message ?? 'not a strategy id'}`);
  const after = lastEventId.safeParse(request.headers.get('last-event-id') ?? query.get('after'));
  return { afterChangeId: after.success ? after.data : null, watching: watching?.data ?? null };
}

const encoder = new TextEncoder();
/** Each change heard live is one object sent to every stream: it is serialized once, not once per stream. */
const encodedChanges = new WeakMap<object, Uint8Array>();

function eventBytes(event: StreamEvent): Uint8Array {
  if (event.kind === 'reload') return encoder.encode(`id: ${event.changeId}\nevent: ${RELOAD_EVENT}\ndata: {}\n\n`);
  let bytes = encodedChanges.get(event.change);
  if (!bytes) {
    bytes = encoder.encode(`id: ${event.change.changeId}\ndata: ${JSON.stringify(event.change)}\n\n`);
    encodedChanges.set(event.change, bytes);
  }
  return bytes;
}
const HEARTBEAT = encoder.encode(': heartbeat\n\n');

/**
 * Server-Sent Events: every database change notification, fanned out from this process's one LISTEN
 * connection, each with its change id (the watched strategy's transitions with their data: live-changes). A browser that
 * reconnects sends the last one (`Last-Event-ID`) and is sent what it missed first; a `reload` event tells the page to
 * re-read everything (see watchChanges). The session is checked again at every heartbeat, and the stream ends when it
 * no longer holds (signed out, disabled, expired): the data it sends is for signed-in eyes only.
 */
export const GET = authorized('viewer', async (request) => {
  const { afterChangeId, watching } = streamOptions(request);
  let isClosed = false;
  // Until the stream is set up, closing it is remembered, and the subscription ended as soon as there is one.
  let cleanup: () => void = () => {
    isClosed = true;
  };
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes);
        } catch {
          cleanup();
        }
      };
      write(encoder.encode('retry: 2000\n\n'));
      const unsubscribe = await watchChanges({ afterChangeId, watching, send: (event) => write(eventBytes(event)) });
      const end = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      const heartbeat = setInterval(() => {
        write(HEARTBEAT);
        void isStillAuthorized(request, 'viewer').then((isAuthorized) => isAuthorized || end());
      }, HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      if (isClosed || request.signal.aborted) return cleanup();
      request.signal.addEventListener('abort', end);
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
