import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules in eslint.config.mjs, tried with deliberately wrong imports: each must be reported.
 * The files are linted as text at the paths given (they need not exist); the type-aware rules are off
 * here because such files are not in the TypeScript project.
 */
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

const WRONG_IMPORTS: readonly { file: string; code: string; rule: string }[] = [
  { file: 'lib/domain/strategies/probe.ts', code: "import { StrategyRepository } from '../../db/strategy-repository';\nexport const probe = StrategyRepository;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/domain/probe.ts', code: "import { Engine } from '@/lib/engine/engine';\nexport const probe = Engine;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/domain/probe.ts', code: "import { readFile } from 'node:fs/promises';\nexport const probe = readFile;\n", rule: 'no-restricted-imports' },
  { file: 'lib/engine/probe.ts', code: "import { StrategyRepository } from '../db/strategy-repository';\nexport const probe = StrategyRepository;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/engine/commands/probe.ts', code: "import { Overview } from '@/components/overview';\nexport const probe = Overview;\n", rule: 'import/no-restricted-paths' },
  { file: 'components/probe.ts', code: "import { PaperBroker } from '@/lib/broker/paper-broker';\nexport const probe = PaperBroker;\n", rule: 'import/no-restricted-paths' },
  { file: 'components/probe.ts', code: "import { getDb } from '../lib/db/client';\nexport const probe = getDb;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/db/probe.ts', code: "import { reasonSchema } from '../api/contract';\nexport const probe = reasonSchema;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/broker/probe.ts', code: "import pg from 'pg';\nexport const probe = pg;\n", rule: 'no-restricted-imports' },
  { file: 'app/api/probe/route.ts', code: "import { CommandRepository } from '@/lib/db/command-repository';\nexport const probe = CommandRepository;\n", rule: 'import/no-restricted-paths' },
  { file: 'components/probe.ts', code: "import { createAuth } from '@/lib/auth/auth';\nexport const probe = createAuth;\n", rule: 'import/no-restricted-paths' },
  { file: 'app/api/probe/route.ts', code: "import { Engine } from '../../../lib/engine/engine';\nexport const probe = Engine;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/alerts/probe.ts', code: "import { AlertRepository } from '../db/alert-repository';\nexport const probe = AlertRepository;\n", rule: 'import/no-restricted-paths' },
  { file: 'lib/alerts/probe.ts', code: "import { Engine } from '@/lib/engine/engine';\nexport const probe = Engine;\n", rule: 'import/no-restricted-paths' },
];

describe('the layer rules', () => {
  // Loading the config and its plugins takes seconds on a loaded machine; the checks themselves do not.
  beforeAll(() => eslint.lintText('', { filePath: 'lib/probe.ts' }), 60_000);

  it.each(WRONG_IMPORTS)('refuse $file importing what its layer may not ($rule)', async ({ file, code, rule }) => {
    expect(await problems(file, code)).toEqual([expect.stringContaining(`${rule}:`)]);
  });

  it('let each layer import what it may', async () => {
    expect(await problems('lib/engine/probe.ts', "import { canEnter } from '../domain/coordinator';\nexport const probe = canEnter;\n")).toEqual([]);
    expect(await problems('lib/db/probe.ts', "import type { StrategyStore } from '../engine/ports';\nexport type Probe = StrategyStore;\n")).toEqual([]);
    expect(await problems('app/api/probe/route.ts', "import { readOverview } from '@/lib/use-cases/read-overview';\nexport const probe = readOverview;\n")).toEqual([]);
    expect(await problems('components/probe.ts', "import { reasonSchema } from '@/lib/api/contract';\nexport const probe = reasonSchema;\n")).toEqual([]);
  });
});
