// The Neptune backend: resolves a Selection to files the way the official `neptune_query` client does
// (fetch_experiments_table / fetch_series + download_files), and signs their storage paths for download.
// Protocol reference: shared/protocols/neptune.md.
import type { Source, SourceContext } from '../../core/source.ts';
import type { RemoteFile, Selection } from '../../core/types.ts';
import { Inputs } from '../../settings/input-names.ts';
import { USER_AGENT } from '../../version.ts';
import { NeptuneAuth } from './auth/access-tokens.ts';
import { resolveBatchSizes, type NeptuneBatchSizes } from './api/batch-sizes.ts';
import { NeptuneApi } from './api/neptune-api.ts';
import { resolveNeptuneFiles, type NeptuneHandle } from './resolver.ts';
import { containerMode, validateNeptuneSelection } from './selection.ts';
import { SigningScheduler } from './download/signing-scheduler.ts';
import { storageBridgeSigner, type SignTarget } from './api/storage-bridge.ts';
import { locatorFor } from './download/storage-locator.ts';
import { checkHttpUrl, parseNeptuneToken } from './auth/api-token.ts';

export { parseNeptuneToken } from './auth/api-token.ts';
export { validateNeptuneSelection } from './selection.ts';
export { DEFAULT_BATCH_SIZES, type NeptuneBatchSizes } from './api/batch-sizes.ts';

export interface NeptuneOptions {
  /** The base64 JSON API token (§2.1). */
  apiToken: string;
  /** Overrides the token's api_url (self-hosted Neptune, emulator). */
  apiUrl?: string;
  /** Page and batch sizes; defaults from §8.3, overridable through the official NEPTUNE_QUERY_* variables. */
  batchSizes?: Partial<NeptuneBatchSizes>;
  /** Where the NEPTUNE_QUERY_* variables are read (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Retrieval requests in flight at once (default 8). */
  apiConcurrency?: number;
}

const DEFAULT_API_CONCURRENCY = 8;

function signTargetOf(file: RemoteFile): SignTarget {
  const handle = file.handle as Partial<NeptuneHandle> | null | undefined;
  if (typeof handle?.path !== 'string' || typeof handle.projectIdentifier !== 'string') {
    throw new TypeError(`the file ${file.container}/${file.attribute} was not resolved by the Neptune backend`);
  }
  return { path: handle.path, projectIdentifier: handle.projectIdentifier };
}

export function createNeptuneBackend(selection: Selection, options: NeptuneOptions, ctx: SourceContext): Source {
  validateNeptuneSelection(selection);
  const token = parseNeptuneToken(options.apiToken);
  if (options.apiUrl !== undefined) checkHttpUrl(options.apiUrl, Inputs.apiUrl, 'the address');
  // httpx joins `/api/...` onto api_url, keeping any path prefix it has (§2.1).
  const baseUrl = (options.apiUrl ?? token.apiUrl).replace(/\/+$/, '');
  const sizes = resolveBatchSizes(options.batchSizes, options.env ?? process.env);
  const auth = new NeptuneAuth({ api: ctx.api, baseUrl, apiToken: options.apiToken.trim(), userAgent: USER_AGENT, log: ctx.log });
  const api = new NeptuneApi({
    api: ctx.api,
    auth,
    baseUrl,
    project: selection.project,
    userAgent: USER_AGENT,
    clientFunction: containerMode(selection) === 'runs' ? 'runs.download_files' : 'download_files',
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
