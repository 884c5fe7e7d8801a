import type { Alert, AlertSeverity } from '../domain/alerts/alert';
import type { SystemMode } from '../domain/system-mode';
import type { EngineSignal } from '../engine/ports';

const MODE_SEVERITY: Readonly<Record<SystemMode, AlertSeverity>> = { RUNNING: 'info', HALTED: 'warning', REDUCING: 'warning', EMERGENCY: 'critical' };

/**
 * The alert an engine signal calls for, or null: a strategy entering ERROR (and the circuit breaker opening), a
 * change of trading mode (HALTED and EMERGENCY are also halts), a takeover, an operator command that failed.
 * Transitions, lease counts, broker errors and quarantines are for metrics: they would drown the people paged.
 */
export function alertOf(signal: EngineSignal, time: Date): Alert | null {
  const at = time.toISOString();
  switch (signal.kind) {
    case 'strategy-error':
      return {
        kinds: signal.circuitBreaker ? ['circuit-breaker', 'strategy-error'] : ['strategy-error'],
        severity: 'critical',
        summary: `${signal.name} entered ERROR from ${signal.from}${signal.circuitBreaker ? ': circuit breaker open' : ''}: ${signal.reason}`,
        details: { strategy: signal.strategyId, name: signal.name, from: signal.from, reason: signal.reason, circuitBreaker: signal.circuitBreaker },
        time: at,
      };
    case 'mode':
      return {
        kinds: signal.mode === 'HALTED' || signal.mode === 'EMERGENCY' ? ['halt', 'mode-change'] : ['mode-change'],
        severity: MODE_SEVERITY[signal.mode],
        summary: `Trading mode ${signal.previous} -> ${signal.mode} (${signal.cause}, by ${signal.actor}): ${signal.reason}`,
        details: { mode: signal.mode, previous: signal.previous, cause: signal.cause, actor: signal.actor, reason: signal.reason },
        time: at,
      };
    case 'takeover':
      return {
        kinds: ['takeover'],
        severity: 'warning',
        summary: `This server took over ${signal.leases.length === 1 ? 'a lease' : `${signal.leases.length} leases`}${signal.from ? ` from ${signal.from}` : ''}: ${signal.leases.join(', ')}`,
        details: { leases: signal.leases, from: signal.from, ms: signal.ms },
        time: at,
      };
    case 'command':
      if (signal.status !== 'failed') return null;
      return {
        kinds: ['command-failed'],
        severity: 'warning',
        summary: `${signal.type}${signal.strategyId ? ` on ${signal.strategyId}` : ''} by ${signal.actor} failed: ${signal.outcome}`,
        details: { command: signal.commandId, type: signal.type, strategy: signal.strategyId, actor: signal.actor, outcome: signal.outcome },
        time: at,
      };
    default:
      return null;
  }
}
