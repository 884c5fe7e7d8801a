import { describe, expect, it } from 'vitest';
import { planGraph, nextStates, MIN_GROUP_SIZE } from './graph-plan';
import { machineGraph, type GraphTransition } from './machine-graph';
import { STRATEGY_DEFINITIONS } from './registry';

const t = (from: string, to: string, event: string, guard: string | null = null): GraphTransition => ({ from, to, event, guard });
const states = (...ids: string[]) => ids.map((id) => ({ id, description: null }));

describe('the graph plan', () => {
  it('puts the happy path on the spine, the exceptions in their own lane and the rest beside', () => {
    const plan = planGraph({
      states: states('WAITING', 'ENTERING', 'ACTIVE', 'ROLLING', 'ERROR'),
      transitions: [t('WAITING', 'ENTERING', 'go'), t('ENTERING', 'ACTIVE', 'filled'), t('ACTIVE', 'ROLLING', 'roll'), t('ROLLING', 'ACTIVE', 'rolled'), t('ENTERING', 'ERROR', 'failed')],
    });
    expect(plan.states.map(({ id, lane, row }) => ({ id, lane, row }))).toEqual([
      { id: 'WAITING', lane: 'spine', row: 0 },
      { id: 'ENTERING', lane: 'spine', row: 1 },
      { id: 'ACTIVE', lane: 'spine', row: 2 },
      { id: 'ROLLING', lane: 'own', row: 3 },
      { id: 'ERROR', lane: 'exception', row: 2 },
    ]);
    expect(plan.edges.filter((edge) => edge.isHappyPath).map((edge) => edge.id)).toEqual(['WAITING->ENTERING', 'ENTERING->ACTIVE']);
  });

  it('draws a transition shared by enough states once, from a group, and keeps the others', () => {
    const sources = ['ENTERING', 'EXITING', 'DEFENSIVE_EXIT', 'ROLLING'].slice(0, MIN_GROUP_SIZE);
    const plan = planGraph({
      states: states(...sources, 'ERROR', 'RECOVERY'),
      transitions: [
        ...sources.flatMap((from) => [t(from, 'ERROR', 'order.failed', 'isCircuitOpen'), t(from, 'RECOVERY', 'system.restored')]),
        t('ENTERING', 'ERROR', 'market.tick', 'isOverdue'),
        t('RECOVERY', 'ERROR', 'market.tick', 'isRecoveryOverdue'),
      ],
    });
    expect(plan.groups).toEqual([{ id: 'group-1', name: 'Any state with an order out', members: sources }]);
    expect(plan.edges.map(({ id, triggers }) => ({ id, triggers }))).toEqual([
      { id: 'ENTERING->ERROR', triggers: [{ event: 'market.tick', guard: 'isOverdue' }] },
      { id: 'RECOVERY->ERROR', triggers: [{ event: 'market.tick', guard: 'isRecoveryOverdue' }] },
      { id: 'group-1->ERROR', triggers: [{ event: 'order.failed', guard: 'isCircuitOpen' }] },
      { id: 'group-1->RECOVERY', triggers: [{ event: 'system.restored', guard: null }] },
    ]);
    expect(plan.states.find((s) => s.id === 'EXITING')?.groups).toEqual(['group-1']);
    expect(plan.states.find((s) => s.id === 'RECOVERY')?.groups).toEqual([]);
  });

  it('leaves a transition fewer states share as one edge per state', () => {
    const sources = ['A', 'B', 'C', 'D'].slice(0, MIN_GROUP_SIZE - 1);
    const plan = planGraph({ states: states(...sources, 'ERROR'), transitions: sources.map((from) => t(from, 'ERROR', 'order.failed')) });
    expect(plan.groups).toEqual([]);
    expect(plan.edges.map((edge) => edge.id)).toEqual(sources.map((from) => `${from}->ERROR`));
  });

  it('never folds a happy-path step into a group, and lists self-transitions on their state', () => {
    const closers = ['EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT', 'DEFENSIVE_21DTE'];
    const plan = planGraph({
      states: states(...closers, 'COMPLETE'),
      transitions: [...closers.map((from) => t(from, 'COMPLETE', 'order.updated', 'isFilledAndFlat')), t('EXITING', 'EXITING', 'order.updated', 'isProgress')],
    });
    expect(plan.groups).toEqual([]);
    expect(plan.edges.find((edge) => edge.id === 'EXITING->COMPLETE')?.isHappyPath).toBe(true);
    expect(plan.states.find((s) => s.id === 'EXITING')?.loops).toEqual([{ event: 'order.updated', guard: 'isProgress' }]);
    expect(plan.edges.some((edge) => edge.from === edge.to)).toBe(false);
  });

  it('merges parallel transitions into one edge listing every trigger', () => {
    const plan = planGraph({ states: states('ACTIVE', 'DEFENSIVE_EXIT'), transitions: [t('ACTIVE', 'DEFENSIVE_EXIT', 'market.tick', 'isDecision(DEFENSIVE_EXIT)'), t('ACTIVE', 'DEFENSIVE_EXIT', 'operator.defensiveExit')] });
    expect(plan.edges).toEqual([
      expect.objectContaining({
        id: 'ACTIVE->DEFENSIVE_EXIT',
        triggers: [{ event: 'market.tick', guard: 'isDecision(DEFENSIVE_EXIT)' }, { event: 'operator.defensiveExit', guard: null }],
      }),
    ]);
  });

  it('for every strategy, keeps every transition: each one is on an edge, a group edge or a loop', () => {
    for (const { kind, machine } of Object.values(STRATEGY_DEFINITIONS)) {
      const graph = machineGraph(machine);
      const plan = planGraph(graph);
      const groupsOf = (id: string) => plan.states.find((s) => s.id === id)?.groups ?? [];
      for (const { from, to, event, guard } of graph.transitions) {
        const drawn =
          from === to
            ? plan.states.find((s) => s.id === from)?.loops.some((l) => l.event === event && l.guard === guard)
            : plan.edges.some((e) => (e.from === from || groupsOf(from).includes(e.from)) && e.to === to && e.triggers.some((tr) => tr.event === event && tr.guard === guard));
        expect(drawn, `${kind}: ${from} -> ${to} on ${event} [${guard}]`).toBe(true);
      }
      expect(plan.edges.length, kind).toBeLessThan(graph.transitions.length / 2);
      expect(plan.groups.map((g) => g.name), kind).toEqual(['Any state with an order out']);
    }
  });

  it("names the states the machine can go to next, through its groups too", () => {
    const plan = planGraph(machineGraph(STRATEGY_DEFINITIONS.LT112!.machine));
    expect(nextStates(plan, 'ENTERING').toSorted()).toEqual(['ACTIVE', 'ERROR', 'RECOVERY', 'WAITING']);
    expect(nextStates(plan, 'ERROR').toSorted()).toEqual(['DEFENSIVE_EXIT', 'EMERGENCY_EXIT', 'RECOVERY']);
  });
});
