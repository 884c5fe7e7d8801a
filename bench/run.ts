/**
 * `npm run bench [-- --quick] [-- --only=name,name]`: every benchmark in one run, one table (figure, value,
 * same-run baseline, ratio, goal, met?), printed and written to bench/results/latest.{json,md}.
 * Not part of `npm test`: figures are read, never asserted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Bench, Figure } from './figure';
import { BENCHES } from './benches';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const only = values.only ? new Set(values.only.split(',')) : null;
const unknown = [...(only ?? [])].filter((name) => !BENCHES.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; there are: ${BENCHES.map((bench) => bench.name).join(', ')}`);
  process.exit(2);
}

const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wheelhouse_bench';
const databaseUrl = (name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${url.pathname.slice(1)}_${name}`;
  return url.toString();
};

const started = new Date();
const loadBefore = os.loadavg();
const figures: (Figure & { bench: string })[] = [];
for (const bench of BENCHES.filter((b: Bench) => !only || only.has(b.name))) {
  console.log(`\n== ${bench.name}`);
  const t0 = performance.now();
  for (const figure of await bench.run({ databaseUrl, quick: values.quick, say: (line) => console.log(`  ${line}`) })) {
    figures.push({ bench: bench.name, ...figure });
  }
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
const loadAfter = os.loadavg();

const number = (value: number): string =>
  !Number.isFinite(value) ? String(value) : Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
const rows = figures.map((f) => [
  f.name,
  `${number(f.value)} ${f.unit}`,
  f.baseline ? `${number(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '-',
  f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
  f.goal,
  f.met === null ? '-' : f.met ? 'yes' : 'NO',
]);
const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'goal', 'met'];
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
const mode = values.quick ? 'quick' : 'full';

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
console.log(`\n${mode} run, ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; load average ${load(loadBefore)} before, ${load(loadAfter)} after; ${machine}`);

const dir = path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const notes = figures.filter((f) => f.note).map((f) => `- ${f.name}: ${f.note}`);
writeFileSync(
  path.join(dir, 'latest.json'),
  `${JSON.stringify({ started: started.toISOString(), mode, machine, loadAverage: { before: loadBefore, after: loadAfter }, figures }, null, 2)}\n`,
);
writeFileSync(
  path.join(dir, 'latest.md'),
  [
    `# Benchmarks (${mode} run, ${started.toISOString()})`,
    '',
    `${machine}. Load average ${load(loadBefore)} before, ${load(loadAfter)} after. Written by \`npm run bench\`; every baseline was measured in the same run.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ...(notes.length ? ['', 'Notes:', '', ...notes] : []),
    '',
  ].join('\n'),
);
console.log(`written to bench/results/latest.{json,md}`);
