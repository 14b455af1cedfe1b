// The W&B source at run time: files of runs, as `Api().run(…)/runs(…)` + `run.files(…)` + `File.download` find
// and fetch them (wandb.md). Resolution is GraphQL on the API host; bytes come from the File node's URL, which
// redirects to signed storage.
import type { Source, SourceContext } from '../../core/source.ts';
import { WandbGraphqlClient } from './graphql/graphql-client.ts';
import { basicAuthHeader } from './key.ts';
import { WandbLocator } from './locator.ts';
import { WandbResolver } from './resolver.ts';
import type { WandbSelection } from './selection.ts';

export function createWandbSource(selection: WandbSelection, ctx: SourceContext): Source {
  const authorization = basicAuthHeader(selection.apiKey);
  const gql = new WandbGraphqlClient(ctx.api, selection.baseUrl, authorization);
  const resolver = new WandbResolver(selection, gql, ctx.log);
  const locator = new WandbLocator(gql, authorization);
  return {
    name: 'wandb',
    resolve: () => resolver.resolve(),
    locate: (file, renew) => locator.locate(file, renew),
  };
}
