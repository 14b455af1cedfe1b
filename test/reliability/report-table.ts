// Turns the figures a suite run recorded (RELIABILITY_REPORT=<file>.jsonl, see support/report.ts) into the
// Markdown table of docs/reliability.md: `node test/reliability/report-table.ts /tmp/rel.jsonl [more.jsonl…]`.
import { readFileSync } from 'node:fs';
import type { CaseFigures } from './support/report.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node test/reliability/report-table.ts <figures.jsonl>…');
  process.exit(2);
}
const cases: CaseFigures[] = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CaseFigures),
);
// Suites are numbered by the case list of the issue; the unnumbered ones (TLS, proxies) come last.
const order = (c: CaseFigures): number => Number.parseInt(c.suite, 10) || 100;
cases.sort((a, b) => order(a) - order(b) || a.suite.localeCompare(b.suite));

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const faults = (f: Record<string, number>): string =>
  Object.entries(f)
    .filter(([, n]) => n > 0)
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '—';

console.log('| Suite | Case | Exit | Faults injected | API retries | Storage re-requests | Files verified | Action s | Case s |');
console.log('| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  console.log(
    `| ${cell(c.suite)} | ${cell(c.name)} | ${c.exitCodes.join(', ')} | ${faults(c.faults)} | ${c.apiRetries} | ${c.storageRetries} | ${c.filesVerified} | ${seconds(c.actionMs)} | ${seconds(c.caseMs)} |`,
  );
}
const total = cases.reduce((n, c) => n + c.caseMs, 0);
console.log(`\n${cases.length} cases, ${seconds(total)} s of case time in total.`);
const notes = cases.filter((c) => c.note !== undefined);
if (notes.length > 0) {
  console.log('\nNotes:');
  for (const c of notes) console.log(`- ${c.suite} / ${c.name}: ${c.note ?? ''}`);
}
