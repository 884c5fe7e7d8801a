import { beforeAll, describe, expect, it } from 'vitest';
import { planGraph } from '@/lib/domain/strategies/graph-plan';
import { machineGraph } from '@/lib/domain/strategies/machine-graph';
import { STRATEGY_DEFINITIONS } from '@/lib/domain/strategies/registry';
import { layoutPlan, type Box, type GraphLayout } from './state-graph-layout';

/** ELK is CPU-bound: on a busy machine one layout can take seconds. */
const LAYOUT_TIMEOUT_MS = 30_000;

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (box: Box, width: number, height: number) => box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;

describe.each(Object.values(STRATEGY_DEFINITIONS).map((definition) => [definition.kind, definition.machine] as const))(
  "the layout of %s's graph",
  (_, machine) => {
    const plan = planGraph(machineGraph(machine));
    let layout: GraphLayout;
    beforeAll(async () => {
      // Labels a little larger than the smallest the page uses: the widest drawing, the likeliest to collide.
      layout = await layoutPlan(plan, 13);
    }, LAYOUT_TIMEOUT_MS);

    it('keeps every label and state inside the drawing, no label over another or over a state', () => {
      const labels = layout.edges.map((edge) => edge.label);
      for (const box of [...labels, ...layout.nodes]) expect(inside(box, layout.width, layout.height)).toBe(true);
      labels.forEach((label, index) => {
        for (const other of labels.slice(index + 1)) expect(overlaps(label, other), JSON.stringify([label, other])).toBe(false);
        for (const node of layout.nodes) expect(overlaps(label, node), `${label.lines.join()} over ${node.id}`).toBe(false);
      });
      expect(layout.edges).toHaveLength(plan.edges.length);
    });

    it('draws the happy path as a straight spine, arrows pointing the way the machine moves', () => {
      const centers = ['WAITING', 'VALIDATION', 'ENTERING', 'ACTIVE', 'MANAGING', 'EXITING', 'COMPLETE'].map((id) => {
        const node = layout.nodes.find((n) => n.id === id)!;
        return { x: node.x + node.width / 2, y: node.y };
      });
      expect(new Set(centers.map((c) => Math.round(c.x))).size).toBe(1);
      expect(centers.map((c) => c.y)).toEqual(centers.map((c) => c.y).toSorted((a, b) => a - b));
      const back = layout.edges.find(({ edge }) => edge.id === 'COMPLETE->WAITING')!;
      const waiting = layout.nodes.find((n) => n.id === 'WAITING')!;
      expect(back.points.at(-1)!.y).toBeLessThanOrEqual(waiting.y + waiting.height);
      expect(back.points[0]!.y).toBeGreaterThan(waiting.y + waiting.height);
    });

    it('sets the exception lane to the right of the spine', () => {
      const x = (id: string) => layout.nodes.find((n) => n.id === id)!.x;
      for (const id of ['ERROR', 'RECOVERY', 'EMERGENCY_EXIT']) expect(x(id)).toBeGreaterThan(x('ACTIVE'));
    });
  },
);
