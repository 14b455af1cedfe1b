// From a run selection to targets (mlflow.md §2, §8): the experiments (by name with `get-by-name`, by regex or
// all of them through `experiments/search`), then the runs — named ids with `runs/get` (checked against the
// lifecycle, the experiments and the filter), or `runs/search` over the experiments with the user's filter and
// a view type, matched here against a regex over run names.
import { orderedPool } from '../../core/concurrency/ordered-pool.ts';
import type { Logger } from '../../core/logger.ts';
import { getExperiment, getExperimentByName, searchExperiments, type Experiment } from './api/experiments.ts';
import type { MlflowRestClient } from './api/rest-client.ts';
import { getRun, searchRuns, type RunInfo, type ViewType } from './api/runs.ts';
import { storeOf } from './artifact-store.ts';
import type { FileChoice, Lifecycle, MlflowTarget } from './selection.ts';
import { folderProblem, type Target } from './target.ts';

type RunsTarget = Extract<MlflowTarget, { kind: 'runs' }>;

/** Runs looked up at once (`runs/get`), and experiment ids per `runs/search` request. */
const LOOKUPS_AT_ONCE = 4;
const EXPERIMENTS_PER_SEARCH = 100;
const IDS_PER_FILTER = 100;

const VIEW: Record<Lifecycle, ViewType> = { active: 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL' };

async function* fromList<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `'a'`, `'it''s'`: a string literal of the filter grammar (§2.3). */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class RunTargets {
  private readonly client: MlflowRestClient;
  private readonly choice: RunsTarget;
  private readonly files: FileChoice;
  private readonly log: Logger;
  private readonly experiments = new Map<string, Promise<Experiment | undefined>>();

  constructor(client: MlflowRestClient, choice: RunsTarget, files: FileChoice, log: Logger) {
    this.client = client;
    this.choice = choice;
    this.files = files;
    this.log = log;
  }

  async *targets(): AsyncGenerator<Target> {
    const named = this.choice.experiments.kind === 'all' && this.choice.runs.kind === 'ids' ? undefined : await this.chosenExperiments();
    for await (const run of this.choice.runs.kind === 'ids'
      ? this.namedRuns(this.choice.runs.ids, named)
      : this.searchedRuns(named ?? [])) {
      yield await this.target(run);
    }
  }

  /** The experiments the selection names (all of them when it names none). */
  private async chosenExperiments(): Promise<Experiment[]> {
    const choice = this.choice.experiments;
    let chosen: Experiment[];
    if (choice.kind === 'names') {
      chosen = [];
      for await (const e of orderedPool(fromList(choice.names), LOOKUPS_AT_ONCE, (name) => getExperimentByName(this.client, name)))
        chosen.push(e);
      for (const e of chosen) {
        if (e.lifecycleStage === 'deleted' && this.choice.lifecycle === 'active') {
          this.log.warning(
            `MLflow experiment '${e.name}' is deleted; its runs are deleted with it (set lifecycle: deleted or all to download them).`,
          );
        }
      }
    } else {
      chosen = [];
      const view = this.choice.lifecycle === 'active' ? 'ACTIVE_ONLY' : 'ALL';
      for await (const page of searchExperiments(this.client, view)) {
        for (const e of page) if (choice.kind === 'all' || choice.matches(e.name)) chosen.push(e);
      }
      if (choice.kind === 'regex' && chosen.length === 0)
        this.log.warning(`No MLflow experiment name matches the experiments regex on ${this.client.server.uri}.`);
    }
    for (const e of chosen) this.experiments.set(e.id, Promise.resolve(e));
    return chosen;
  }

  private async *searchedRuns(experiments: readonly Experiment[]): AsyncGenerator<RunInfo> {
    const runs = this.choice.runs;
    const seen = new Set<string>();
    for (const ids of chunks(
      experiments.map((e) => e.id),
      EXPERIMENTS_PER_SEARCH,
    )) {
      for await (const page of searchRuns(this.client, {
        experimentIds: ids,
        filter: this.choice.filter,
        viewType: VIEW[this.choice.lifecycle],
      })) {
        for (const run of page) {
          if (seen.has(run.runId) || (runs.kind === 'regex' && !runs.matches(run.runName))) continue;
          seen.add(run.runId);
          yield run;
        }
      }
    }
  }

  /** Named runs, each confirmed with `runs/get` before any file is listed; then checked against the selection. */
  private async *namedRuns(ids: readonly string[], experiments: readonly Experiment[] | undefined): AsyncGenerator<RunInfo> {
    const found: RunInfo[] = [];
    for await (const run of orderedPool(fromList(ids), LOOKUPS_AT_ONCE, (id) => getRun(this.client, id))) found.push(run);
    const lifecycle = this.choice.lifecycle;
    const inExperiments = experiments === undefined ? undefined : new Set(experiments.map((e) => e.id));
    let kept = found.filter((run) => {
      if (lifecycle !== 'all' && (run.lifecycleStage === 'deleted') !== (lifecycle === 'deleted')) {
        this.log.warning(
          `MLflow run '${run.runId}' is ${run.lifecycleStage}; it is skipped with lifecycle: ${lifecycle} (use lifecycle: all to take it).`,
        );
        return false;
      }
      if (inExperiments !== undefined && !inExperiments.has(run.experimentId)) {
        this.log.warning(`MLflow run '${run.runId}' is not in the experiments selected; it is skipped.`);
        return false;
      }
      return true;
    });
    if (this.choice.filter !== null && kept.length > 0) kept = await this.matchingFilter(kept, this.choice.filter);
    yield* kept;
  }

  /** The named runs that also match the filter: `<filter> and attributes.run_id IN (…)` (§2.3), per experiment set. */
  private async matchingFilter(runs: RunInfo[], filter: string): Promise<RunInfo[]> {
    const matching = new Set<string>();
    const experimentIds = [...new Set(runs.map((r) => r.experimentId))];
    for (const group of chunks(runs, IDS_PER_FILTER)) {
      const clause = `${filter} and attributes.run_id IN (${group.map((r) => quote(r.runId)).join(', ')})`;
      for (const ids of chunks(experimentIds, EXPERIMENTS_PER_SEARCH)) {
        for await (const page of searchRuns(this.client, { experimentIds: ids, filter: clause, viewType: 'ALL' })) {
          for (const r of page) matching.add(r.runId);
        }
      }
    }
    return runs.filter((run) => {
      if (!matching.has(run.runId)) this.log.warning(`MLflow run '${run.runId}' does not match the filter; it is skipped.`);
      return matching.has(run.runId);
    });
  }

  private experimentOf(id: string): Promise<Experiment | undefined> {
    let known = this.experiments.get(id);
    if (known === undefined) {
      // Only for the manifest's experiment name: a run whose experiment cannot be read is still downloaded.
      known = getExperiment(this.client, id).catch((error: unknown) => {
        this.log.debug(`experiment ${id}: ${String(error)}`);
        return undefined;
      });
      this.experiments.set(id, known);
    }
    return known;
  }

  private async target(run: RunInfo): Promise<Target> {
    const experiment = await this.experimentOf(run.experimentId);
    const problem = folderProblem(run.runId, 'MLflow run id');
    return {
      kind: 'run',
      container: run.runId,
      folder: run.runId,
      ...(problem === undefined ? {} : { folderProblem: problem }),
      store: storeOf(run.artifactUri, this.client.server, { runId: run.runId, runRoot: '' }),
      starts: this.files.kind === 'paths' ? this.files.paths : [''],
      ...(this.files.kind === 'regex' ? { matches: this.files.matches } : {}),
      run: { runId: run.runId, root: '' },
      details: {
        runId: run.runId,
        runName: run.runName,
        experimentId: run.experimentId,
        experimentName: experiment?.name ?? null,
      },
      label: `run '${run.runId}'${run.runName === '' ? '' : ` (${run.runName})`}`,
    };
  }
}
