// Listing a run's files with the client's `RunFiles` operation (wandb.md §2.3): names and pattern are
// filtered by the server, pages are `fileLimit` long and chained by the last edge's cursor, so a run costs
// ceil(files / per-page) requests and no file costs a request of its own.
import { isObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { countOf, readRelayPage, unexpected } from '../graphql/relay-pages.ts';
import { RUN_FILES_QUERY } from '../graphql/queries.ts';
import { projectLabel, projectOf, RunNotFoundError, type ProjectPath } from './runs.ts';

/** The parts of a File node (§2.3 table) the backend uses. */
export interface FileNode {
  /** Run-relative POSIX path: the download location. */
  name: string;
  /** What the client downloads (an API-host URL that redirects to signed storage); nullable in the schema. */
  url: string | null;
  sizeBytes: number | null;
  mimetype: string | null;
  /** Base64 of the raw MD5; `"0"` marks a placeholder for a requested name that does not exist. */
  md5: string | null;
}

export interface FileQuery {
  /** Exact names (`fileNames`); empty means all files. */
  names: readonly string[];
  /** SQL LIKE pattern, or null. Never together with names (§2.3). */
  pattern: string | null;
}

export async function* listRunFiles(
  gql: WandbGraphqlClient,
  path: ProjectPath,
  runId: string,
  query: FileQuery,
  perPage: number,
): AsyncGenerator<FileNode[]> {
  const what = `the files of run '${runId}' in '${projectLabel(path)}'`;
  const progress = new PageGuard('W&B', what);
  let cursor: string | null = null;
  for (;;) {
    // Every variable is sent explicitly, as the client does (§2.3 "Variables actually sent").
    const data = await gql.query('RunFiles', RUN_FILES_QUERY, {
      project: path.project,
      entity: path.entity,
      name: runId,
      fileNames: query.names,
      upload: false,
      pattern: query.pattern,
      fileLimit: perPage,
      fileCursor: cursor,
    });
    const run = projectOf(data, path).run;
    if (run === null || run === undefined) throw new RunNotFoundError(path, runId);
    if (!isObject(run)) throw unexpected(what, 'run is not an object');
    const page = readRelayPage(run.files, what);
    yield page.nodes.map((node) => fileNodeOf(node, what));
    // `fileCount` counts all the run's files, whatever names or pattern select: a bound, not the selection's size.
    const next = progress.next({ ...page, count: page.nodes.length, total: countOf(run.fileCount) });
    if (next === undefined) return;
    cursor = next;
  }
}

function fileNodeOf(node: unknown, what: string): FileNode {
  if (!isObject(node) || typeof node.name !== 'string') throw unexpected(what, 'a file without a name');
  return {
    name: node.name,
    url: typeof node.url === 'string' && node.url !== '' ? node.url : null,
    sizeBytes: countOf(node.sizeBytes) ?? null,
    mimetype: typeof node.mimetype === 'string' && node.mimetype !== '' ? node.mimetype : null,
    md5: typeof node.md5 === 'string' && node.md5 !== '' ? node.md5 : null,
  };
}
