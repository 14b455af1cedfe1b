// The MLflow source at run time (mlflow.md): targets (runs, or model versions and run paths by URI) resolved
// through the tracking server's REST API, a few targets' artifacts listed at once, each target's pages handed on
// in order as they arrive, and every file located on the proxied artifact service or the server's own routes.
import { orderedPool } from '../../core/concurrency/ordered-pool.ts';
import { PageStream } from '../../core/paging/page-stream.ts';
import type { Source, SourceContext } from '../../core/source.ts';
import type { RemoteFile } from '../../core/types.ts';
import { MlflowRestClient } from './api/rest-client.ts';
import { MlflowLocator } from './locator.ts';
import { RunTargets } from './run-targets.ts';
import type { MlflowSelection } from './selection.ts';
import { filesOfTarget } from './target-files.ts';
import { UriTargets } from './uri-targets.ts';

/** Targets whose artifacts are listed at the same time (each one's own listings are bounded too). */
const TARGETS_AT_ONCE = 4;

export function createMlflowSource(selection: MlflowSelection, ctx: SourceContext): Source {
  const client = new MlflowRestClient(ctx.api, selection.server, selection.auth);
  const locator = new MlflowLocator(client);
  for (const note of selection.notes) ctx.log[note.level](note.message);
  const targets =
    selection.target.kind === 'runs'
      ? new RunTargets(client, selection.target, selection.files, ctx.log)
      : new UriTargets(client, selection.target.uris, selection.files, ctx.log);
  return {
    name: 'mlflow',
    async *resolve(): AsyncGenerator<RemoteFile[]> {
      const streams = orderedPool(targets.targets(), TARGETS_AT_ONCE, (target) =>
        Promise.resolve(PageStream.from<RemoteFile[]>((out) => filesOfTarget(target, client, ctx.log, out))),
      );
      for await (const pages of streams) {
        for await (const page of pages) if (page.length > 0) yield page;
      }
    },
    locate: (file, renew) => locator.locate(file, renew),
  };
}
