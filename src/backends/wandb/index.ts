// The Weights & Biases backend: files of runs, as `Api().run(…)/runs(…)` + `run.files(…)` + `File.download`
// find and fetch them (wandb.md). Resolution is GraphQL on the API host; bytes come from the File node's URL,
// which redirects to signed storage.
import type { Source, SourceContext } from '../../core/source.ts';
import type { Selection } from '../../core/types.ts';
import { WandbGraphqlClient } from './graphql/graphql-client.ts';
import { basicAuthHeader } from './key.ts';
import { WandbLocator } from './locator.ts';
import { WandbResolver } from './resolver.ts';
import { planWandbSelection, type WandbOptions } from './selection.ts';

export type { WandbOptions } from './selection.ts';

/** Checks the selection, options and key format without any network call; throws InputError naming the input. */
export function validateWandbSelection(selection: Selection, options: WandbOptions): void {
  planWandbSelection(selection, options);
}

export function createWandbBackend(selection: Selection, options: WandbOptions, ctx: SourceContext): Source {
  const plan = planWandbSelection(selection, options);
  const authorization = basicAuthHeader(options.apiKey);
  const gql = new WandbGraphqlClient(ctx.api, plan.baseUrl, authorization);
  const resolver = new WandbResolver(plan, gql, ctx.log);
  const locator = new WandbLocator(gql, authorization);
  return {
    name: 'wandb',
    resolve: () => resolver.resolve(),
    locate: (file, renew) => locator.locate(file, renew),
  };
}
