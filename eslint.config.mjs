import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

/**
 * The layers, enforced on relative and `@/` imports alike (import/no-restricted-paths resolves both).
 * Dependencies point one way: app -> lib/use-cases -> lib/engine -> lib/domain; lib/db and lib/broker
 * are adapters behind lib/engine/ports.ts; components and lib/client run in the browser.
 * Each entry: the files it governs, and what they may not import.
 */
const LAYERS = [
  {
    name: 'lib/domain is pure: it imports nothing of the project outside lib/domain',
    files: ['lib/domain/**'],
    forbidden: [{ from: './', except: ['./lib/domain', './node_modules'] }],
  },
  {
    name: 'lib/api (the HTTP contract, shared with the browser) builds on lib/domain only',
    files: ['lib/api/**'],
    forbidden: [{ from: './', except: ['./lib/api', './lib/domain', './node_modules'] }],
  },
  {
    name: 'lib/market (the simulated market) builds on lib/domain only',
    files: ['lib/market/**'],
    forbidden: [{ from: './', except: ['./lib/market', './lib/domain', './node_modules'] }],
  },
  {
    name: 'lib/engine depends on ports, never on app, components, the database or the server wiring',
    files: ['lib/engine/**'],
    ignores: ['**/*.int.test.ts'],
    forbidden: [
      { from: ['./app', './components', './lib/client', './lib/api', './lib/db', './lib/server', './lib/use-cases'] },
    ],
  },
  {
    name: 'lib/db implements the ports; it knows nothing of HTTP, brokers, the engine or the server',
    files: ['lib/db/**'],
    ignores: ['**/*.int.test.ts'],
    forbidden: [
      { from: ['./app', './components', './lib/client', './lib/api', './lib/broker', './lib/market', './lib/server', './lib/use-cases'] },
      { from: './lib/engine', except: ['./ports.ts'] },
    ],
  },
  {
    name: 'lib/broker is the venue adapter: it builds on lib/domain and its store in lib/db',
    files: ['lib/broker/**'],
    ignores: ['**/*.int.test.ts'],
    forbidden: [{ from: ['./app', './components', './lib/client', './lib/api', './lib/engine', './lib/server', './lib/use-cases'] }],
  },
  {
    name: 'lib/alerts turns engine signals into webhook deliveries and sends them, on small store interfaces of its own',
    files: ['lib/alerts/**'],
    ignores: ['**/*.int.test.ts'],
    forbidden: [
      { from: ['./app', './components', './lib/client', './lib/api', './lib/db', './lib/broker', './lib/market', './lib/server', './lib/use-cases', './lib/auth'] },
      { from: './lib/engine', except: ['./ports.ts'] },
    ],
  },
  {
    name: 'lib/auth configures sign-in (better-auth) on the database; it knows nothing of HTTP routes or the engine',
    files: ['lib/auth/**'],
    forbidden: [{ from: ['./app', './components', './lib/client', './lib/engine', './lib/server', './lib/use-cases', './lib/broker', './lib/market'] }],
  },
  {
    name: 'use cases get their repositories from the server context; they build none',
    files: ['lib/use-cases/**'],
    forbidden: [{ from: ['./app', './components', './lib/client', './lib/db', './lib/broker'] }],
  },
  {
    name: 'route handlers and pages call use cases; they build no repository and reach no engine',
    files: ['app/**'],
    ignores: ['**/*.int.test.ts'],
    forbidden: [
      { from: ['./lib/db', './lib/broker', './lib/engine', './lib/market', './lib/domain', './lib/server'] },
      { from: './lib/auth', except: ['./roles.ts', './demo-users.ts'] },
    ],
  },
  {
    name: 'browser code speaks the HTTP contract only',
    files: ['components/**', 'lib/client/**'],
    forbidden: [
      { from: ['./lib/db', './lib/broker', './lib/engine', './lib/market', './lib/server', './lib/use-cases', './app/api'] },
      { from: './lib/auth', except: ['./roles.ts'] },
    ],
  },
];

const layerRules = LAYERS.map(({ name, files, ignores, forbidden }) => ({
  name: `layers: ${name}`,
  files,
  ...(ignores ? { ignores } : {}),
  rules: {
    'import/no-restricted-paths': [
      'error',
      { basePath: import.meta.dirname, zones: forbidden.map((zone) => ({ target: files, ...zone, message: `(${name})` })) },
    ],
  },
}));

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    name: 'lint that sees types: every promise is awaited, returned, or explicitly let go (`void`) with its failure handled',
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    name: 'lib/domain stays pure: no framework, database, network or Node API',
    files: ['lib/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['next', 'next/*', 'react', 'react-dom', '@prisma/*', 'pg', 'node:*'] }],
    },
  },
  {
    name: 'only lib/db talks SQL',
    files: ['app/**', 'components/**', 'lib/**'],
    ignores: ['lib/db/**', 'lib/domain/**', '**/*.int.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['pg', '@prisma/*', '**/db/generated/**'], message: 'only lib/db talks SQL' }] },
      ],
    },
  },
  ...layerRules,
  {
    ignores: ['.next/**', 'node_modules/**', 'lib/db/generated/**', 'test-results/**', 'playwright-report/**', 'reports/**', '.stryker-tmp/**', 'next-env.d.ts'],
  },
];

export default config;
