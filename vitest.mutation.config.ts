/**
 * The `unit` project of vitest.config.ts on its own, for Stryker (`npm run test:mutation`): its vitest runner
 * cannot pick a project, and mutants must never run the `int` project (PostgreSQL, slow).
 */
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config';

const isUnitProject = (project: unknown): project is TestProjectInlineConfiguration =>
  typeof project === 'object' && project !== null && (project as TestProjectInlineConfiguration).test?.name === 'unit';

const unit = base.test?.projects?.find(isUnitProject);
if (!unit) throw new Error('vitest.config.ts has no project named "unit"');

/** Stryker stops at a mutant's first failing test: the quick example tests kill most before the property tests start. */
class PropertyTestsLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isProperty = (file: TestSpecification) => file.moduleId.endsWith('.property.test.ts');
    return [...sorted.filter((file) => !isProperty(file)), ...sorted.filter(isProperty)];
  }
}

export default defineConfig({
  ...unit,
  // Durations of instrumented runs would reorder the next ordinary `vitest run`: keep them out of node_modules/.vite.
  // Only the tests of the code Stryker mutates: the lint and browser-side tests elsewhere cannot notice a mutant here.
  test: {
    ...unit.test,
    include: ['lib/domain/**/*.test.ts', 'lib/engine/**/*.test.ts'],
    cache: false,
    sequence: { sequencer: PropertyTestsLast },
  },
});
