import { EventEmitter } from 'node:events';
import pg from 'pg';
import { loggedChangeSchema, type LoggedChange } from '../domain/change-event';
import type { ChangeFeed } from '../engine/ports';

export const CHANNEL = 'wheelhouse';
const RECONNECT_DELAY_MS = 1_000;

type Listener = (event: LoggedChange) => void;

/**
 * One LISTEN connection per process, fanned out to every subscriber (SSE streams, command waiters, the
 * engine). After a lost connection it reconnects and tells subscribers with `onReconnect`, since
 * notifications sent meanwhile are gone: they must re-read what they show.
 */
export class NotificationHub implements ChangeFeed {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly connectionString: string) {
    this.emitter.setMaxListeners(0);
  }

  async subscribe(listener: Listener, onReconnect?: () => void): Promise<() => void> {
    this.emitter.on('change', listener);
    if (onReconnect) this.emitter.on('reconnect', onReconnect);
    await this.connect();
    return () => {
      this.emitter.off('change', listener);
      if (onReconnect) this.emitter.off('reconnect', onReconnect);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const parsed = loggedChangeSchema.safeParse(JSON.parse(message.payload));
      if (parsed.success) this.emitter.emit('change', parsed.data);
    });
    client.on('error', () => this.handleLost(client));
    client.on('end', () => this.handleLost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private handleLost(lost: pg.Client): void {
    if (this.client !== lost || this.closed) return;
    this.client = null;
    this.retry();
  }

  private retry(): void {
    setTimeout(() => {
      if (this.closed) return;
      this.connect().then(
        () => this.emitter.emit('reconnect'),
        () => this.retry(),
      );
    }, RECONNECT_DELAY_MS).unref();
  }
}

const globalForHub = globalThis as typeof globalThis & { wheelhouseHub?: NotificationHub };

export function getNotificationHub(connectionString: string): NotificationHub {
  globalForHub.wheelhouseHub ??= new NotificationHub(connectionString);
  return globalForHub.wheelhouseHub;
}
