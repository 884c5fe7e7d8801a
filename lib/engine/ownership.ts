import type { CommandClaimer, Lease, LeaseGrant, LeaseStore } from './ports';

/**
 * What this server may act on: the leases it holds, as the database granted them, and how long it may trust
 * them by its own monotonic clock. The database is the judge (every write carries its lease's token and is
 * refused once another grant replaced it); the local deadline only keeps a server that was paused or cut off
 * from doing work that would be refused anyway, and from sending to the broker, which cannot check a token:
 * a lease is trusted locally until `renewal start + TTL - margin`, so never beyond the database's expiry.
 *
 * `Ownership.sole()` is the engine alone on its database (unit tests, the benchmark): everything is its own and
 * nothing is fenced.
 */
export class Ownership {
  private readonly held = new Map<string, { lease: Lease; trustedUntil: number }>();

  private constructor(
    readonly holder: string,
    private readonly store: LeaseStore | null,
    readonly ttlMs: number,
  ) {}

  static sole(holder = 'engine'): Ownership {
    return new Ownership(holder, null, Number.POSITIVE_INFINITY);
  }

  static leased(holder: string, store: LeaseStore, ttlMs: number): Ownership {
    return new Ownership(holder, store, ttlMs);
  }

  /** Whether leases are in play (several servers may share the database). */
  get isLeased(): boolean {
    return this.store !== null;
  }

  get claimer(): CommandClaimer {
    return { executor: this.holder, leased: this.isLeased };
  }

  /** The lease names held now. */
  get names(): string[] {
    return [...this.held.keys()];
  }

  /** The lease a write under `name` carries; null when none is in play. */
  fence(name: string): Lease | null {
    return this.held.get(name)?.lease ?? null;
  }

  /** Whether this server may act under `name` now, by its own clock (no round trip). */
  isCurrent(name: string): boolean {
    if (!this.store) return true;
    const held = this.held.get(name);
    return held !== undefined && performance.now() < held.trustedUntil;
  }

  /** As `isCurrent`, and confirmed by the database: asked just before an order goes to the broker. */
  async confirm(name: string): Promise<boolean> {
    if (!this.store) return true;
    const held = this.held.get(name);
    if (!held || !this.isCurrent(name)) return false;
    return this.store.holds(held.lease);
  }

  /** Asks for the leases not held yet; returns those granted (with whom they were taken from). */
  async acquire(names: readonly string[]): Promise<LeaseGrant[]> {
    if (!this.store) return names.map((name) => ({ name, token: 0n, previousHolder: null }));
    const wanted = names.filter((name) => !this.held.has(name));
    const asked = performance.now();
    const granted = await this.store.acquire(this.holder, wanted, this.ttlMs);
    for (const grant of granted) this.held.set(grant.name, { lease: { name: grant.name, token: grant.token }, trustedUntil: this.deadline(asked) });
    return granted;
  }

  /** Renews every lease held; returns the names lost (granted to another server, or lapsed unseen). */
  async renew(): Promise<string[]> {
    if (!this.store || this.held.size === 0) return [];
    const asked = performance.now();
    const renewed = new Set((await this.store.renew(this.holder, [...this.held.values()].map(({ lease }) => lease), this.ttlMs)).map(({ name }) => name));
    const lost = this.names.filter((name) => !renewed.has(name));
    for (const name of lost) this.held.delete(name);
    for (const name of renewed) {
      const held = this.held.get(name);
      if (held) held.trustedUntil = this.deadline(asked);
    }
    return lost;
  }

  /** Forgets a lease the database refused a write under. */
  lose(name: string): void {
    this.held.delete(name);
  }

  /** Lets every lease go (a clean stop), so another server takes over at once. */
  async releaseAll(): Promise<void> {
    if (!this.store) return;
    const leases = [...this.held.values()].map(({ lease }) => lease);
    this.held.clear();
    await this.store.release(this.holder, leases);
  }

  /**
   * How long a lease asked for at `asked` may be trusted here: the database started its TTL after we asked, so
   * counting from the asking is on the safe side; the margin covers the two clocks' rates.
   */
  private deadline(asked: number): number {
    return asked + this.ttlMs - Math.min(1_000, this.ttlMs / 5);
  }
}
