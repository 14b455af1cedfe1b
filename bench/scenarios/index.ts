// Every scenario, in the order they run, and the `--scenario` selection: a token selects the scenario of that
// id (`S1`, `S1-latency`), and a token ending in `*` every id it starts (`S1*` → S1, S1-azure, S1-latency).
import { s1Scenarios } from './s1-neptune-series.ts';
import { s2Scenarios } from './s2-wandb-files.ts';
import { s3Scenarios } from './s3-large-files.ts';
import { s4Scenarios } from './s4-resolution.ts';
import { s5Scenarios } from './s5-mlflow-artifacts.ts';
import { s6Scenarios } from './s6-wandb-artifact.ts';
import type { Mode, Scenario } from './types.ts';

export function allScenarios(mode: Mode, latencyMs: number): Scenario[] {
  return [
    ...s1Scenarios(mode, latencyMs),
    ...s2Scenarios(mode, latencyMs),
    ...s3Scenarios(mode),
    ...s4Scenarios(mode),
    ...s5Scenarios(mode, latencyMs),
    ...s6Scenarios(mode, latencyMs),
  ];
}

function matches(id: string, token: string): boolean {
  const a = id.toLowerCase();
  return token.endsWith('*') ? a.startsWith(token.slice(0, -1)) : a === token;
}

export function selectScenarios(all: readonly Scenario[], tokens: readonly string[] | undefined): Scenario[] {
  const wanted = (tokens ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  if (wanted.length === 0) return [...all];
  const unknown = wanted.filter((t) => !all.some((s) => matches(s.id, t)));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}`);
  return all.filter((s) => wanted.some((t) => matches(s.id, t)));
}
