// The W&B source in artifact mode (wandb-artifacts.md): the versions the selection names, then each version's
// entries as its manifest and file-URL batches arrive — two versions at a time, handed on in order, so downloads
// start with the first batch of the first version.
import { orderedPool } from '../../../core/concurrency/ordered-pool.ts';
import { PageStream } from '../../../core/paging/page-stream.ts';
import type { Source, SourceContext } from '../../../core/source.ts';
import type { RemoteFile } from '../../../core/types.ts';
import type { WandbGraphqlClient } from '../graphql/graphql-client.ts';
import type { WandbArtifactSelection } from '../selection.ts';
import { EntryLocator } from './entry-locator.ts';
import { ArtifactSession } from './session.ts';
import { listVersionEntries } from './version-entries.ts';
import { versionsToFetch } from './version-resolver.ts';

/** Versions whose manifests and file URLs are fetched at the same time. */
const VERSION_CONCURRENCY = 2;

export function createArtifactSource(
  selection: WandbArtifactSelection,
  gql: WandbGraphqlClient,
  authorization: string,
  ctx: SourceContext,
): Source {
  const session = new ArtifactSession(gql, ctx.api, selection, ctx.log, authorization);
  const locator = new EntryLocator(session);
  return {
    name: 'wandb',
    async *resolve(): AsyncGenerator<RemoteFile[]> {
      const streams = orderedPool(versionsToFetch(session), VERSION_CONCURRENCY, (version) =>
        Promise.resolve(PageStream.from<RemoteFile[]>((out) => listVersionEntries(session, version, out))),
      );
      for await (const pages of streams) {
        for await (const page of pages) if (page.length > 0) yield page;
      }
    },
    locate: (file, renew) => locator.locate(file, renew),
  };
}
