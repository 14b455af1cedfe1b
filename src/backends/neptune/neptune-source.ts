// The Neptune source at run time: resolves a selection to files the way the official `neptune_query` client
// does (fetch_experiments_table / fetch_series + download_files), and signs their storage paths for download
// (neptune.md §4–§7).
import type { Source, SourceContext } from '../../core/source.ts';
import type { RemoteFile } from '../../core/types.ts';
import { USER_AGENT } from '../../version.ts';
import type { NeptuneBatchSizes } from './api/batch-sizes.ts';
import { NeptuneApi } from './api/neptune-api.ts';
import { storageBridgeSigner, type SignTarget } from './api/storage-bridge.ts';
import { NeptuneAuth } from './auth/access-tokens.ts';
import { SigningScheduler } from './download/signing-scheduler.ts';
import { locatorFor } from './download/storage-locator.ts';
import { resolveNeptuneFiles, type NeptuneHandle } from './resolver.ts';
import type { NeptuneSelection } from './selection.ts';

export interface NeptuneSourceOptions {
  /** Page and batch sizes over the selection's (tests). */
  batchSizes?: Partial<NeptuneBatchSizes>;
  /** Retrieval requests in flight at once (default 8). */
  apiConcurrency?: number;
}

const DEFAULT_API_CONCURRENCY = 8;

function signTargetOf(file: RemoteFile): SignTarget {
  const handle = file.handle as Partial<NeptuneHandle> | null | undefined;
  if (typeof handle?.path !== 'string' || typeof handle.projectIdentifier !== 'string') {
    throw new TypeError(`the file ${file.container}/${file.attribute} was not resolved by the Neptune source`);
  }
  return { path: handle.path, projectIdentifier: handle.projectIdentifier };
}

export function createNeptuneSource(selection: NeptuneSelection, ctx: SourceContext, options: NeptuneSourceOptions = {}): Source {
  const sizes = { ...selection.batchSizes, ...options.batchSizes };
  const { baseUrl } = selection;
  const auth = new NeptuneAuth({ api: ctx.api, baseUrl, apiToken: selection.apiToken, userAgent: USER_AGENT, log: ctx.log });
  const api = new NeptuneApi({
    api: ctx.api,
    auth,
    baseUrl,
    project: selection.project,
    userAgent: USER_AGENT,
    clientFunction: selection.mode === 'runs' ? 'runs.download_files' : 'download_files',
    concurrency: options.apiConcurrency ?? DEFAULT_API_CONCURRENCY,
  });
  const urls = new SigningScheduler(storageBridgeSigner(api), { batchSize: sizes.filesPerSigning });

  return {
    name: 'neptune',
    resolve: () => resolveNeptuneFiles({ api, selection, sizes, log: ctx.log }),
    prepare: (files) => urls.prepare(files.map(signTargetOf)),
    locate: async (file, renew) => locatorFor(await urls.get(signTargetOf(file), renew)),
  };
}
