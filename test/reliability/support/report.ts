// The figures docs/reliability.md quotes: per case, the faults the engine injected by kind, the retries the
// action made, the files verified and the wall time. Appended as JSON lines to $RELIABILITY_REPORT when set
// (`RELIABILITY_REPORT=/tmp/rel.jsonl npm test`), then turned into a table by `node test/reliability/report-table.ts`.
import { appendFileSync } from 'node:fs';

export interface CaseFigures {
  suite: string;
  name: string;
  /** Action runs in this case (a re-run counts). */
  runs: number;
  /** Faults handed out by the emulators' fault engine, by action kind. */
  faults: Record<string, number>;
  /** API requests the action retried (its `attempt N failed … retrying` debug lines). */
  apiRetries: number;
  /** Storage requests (blob GETs, W&B file redirects) beyond the first per file. */
  storageRetries: number;
  apiRequests: number;
  /** API requests by `<target> <endpoint>` (Neptune endpoint label, W&B operation name). */
  apiByEndpoint: Record<string, number>;
  storageRequests: number;
  filesVerified: number;
  /** Exit codes of the action runs, in order. */
  exitCodes: (number | null)[];
  /** Wall time of the action runs only, and of the whole case (emulators and checks included). */
  actionMs: number;
  caseMs: number;
  note?: string;
}

export function recordFigures(figures: CaseFigures): void {
  const file = process.env.RELIABILITY_REPORT;
  if (file === undefined || file === '') return;
  appendFileSync(file, `${JSON.stringify(figures)}\n`);
}
