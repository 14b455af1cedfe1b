// The W&B source at run time. Resolution is GraphQL on the API host. Run files (run-files/): bytes come from the
// File node's URL, which redirects to signed storage (wandb.md). Artifacts (artifacts/): each version's manifest
// and its entries' signed storage URLs, listed in batches (wandb-artifacts.md).
import type { Source, SourceContext } from '../../core/source.ts';
import { createArtifactSource } from './artifacts/artifact-source.ts';
import { WandbGraphqlClient } from './graphql/graphql-client.ts';
import { basicAuthHeader } from './key.ts';
import { WandbLocator } from './run-files/locator.ts';
import { WandbResolver } from './run-files/resolver.ts';
import type { WandbSelection } from './selection.ts';

export function createWandbSource(selection: WandbSelection, ctx: SourceContext): Source {
  const authorization = basicAuthHeader(selection.apiKey);
  const gql = new WandbGraphqlClient(ctx.api, selection.baseUrl, authorization);
  if (selection.mode === 'artifacts') return createArtifactSource(selection, gql, authorization, ctx);
  const resolver = new WandbResolver(selection, gql, ctx.log);
  const locator = new WandbLocator(gql, authorization);
  return {
    name: 'wandb',
    resolve: () => resolver.resolve(),
    locate: (file, renew) => locator.locate(file, renew),
  };
}
