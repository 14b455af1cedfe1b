// From a W&B selection to RemoteFiles (wandb.md): the entity (§2.0), the runs (§2.1 per id, or §2.2 listed with the
// filter and matched client-side for a regex), then each run's files (§2.3), a few runs at a time.
import type { Logger } from '../../core/logger.ts';
import type { RemoteFile } from '../../core/types.ts';
import { checkFileName, checkRunId } from './file-names.ts';
import type { WandbGraphqlClient } from './graphql/graphql-client.ts';
import type { WandbFileHandle } from './locator.ts';
import { orderedPool } from '../../core/concurrency/ordered-pool.ts';
import { PageStream } from '../../core/paging/page-stream.ts';
import { listRunFiles, type FileNode } from './api/run-files.ts';
import { fetchRun, listRuns, projectLabel, RunNotFoundError, type ProjectPath } from './api/runs.ts';
import type { WandbSelection } from './selection.ts';
import { fetchDefaultEntity } from './api/viewer.ts';

/** Runs whose files are listed at the same time (each run's pages stay sequential). */
const RUN_CONCURRENCY = 4;
/** §2.2: the client's default order, oldest run first. */
const RUN_ORDER = '+created_at';
/** Base64 of a 16-byte digest, the only md5 form W&B reports (§2.3); `"0"` is a placeholder. */
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

export class WandbResolver {
  private readonly plan: WandbSelection;
  private readonly gql: WandbGraphqlClient;
  private readonly log: Logger;

  constructor(plan: WandbSelection, gql: WandbGraphqlClient, log: Logger) {
    this.plan = plan;
    this.gql = gql;
    this.log = log;
  }

  async *resolve(): AsyncGenerator<RemoteFile[]> {
    const path: ProjectPath = {
      entity: this.plan.entity ?? (await fetchDefaultEntity(this.gql, this.plan.project)),
      project: this.plan.project,
    };
    // A few runs are listed at once; each run's pages are handed on as they arrive, in run order.
    const streams = orderedPool(this.runs(path), RUN_CONCURRENCY, (runId) =>
      Promise.resolve(PageStream.from<RemoteFile[]>((out) => this.filesOf(path, runId, out))),
    );
    for await (const pages of streams) {
      for await (const page of pages) if (page.length > 0) yield page;
    }
  }

  /** Ids of the runs to read, each known to exist on the server (listed, or named and confirmed). */
  private async *runs(path: ProjectPath): AsyncGenerator<string> {
    const choice = this.plan.runs;
    if (choice.kind === 'ids' && this.plan.filter === null) {
      // Every named run is confirmed (one `Run` query each, a few at once) before any file is listed: downloads
      // start with the first listed page, and a run that does not exist is an input mistake to report before.
      const confirmed: string[] = [];
      for await (const id of orderedPool(toAsync(choice.ids), RUN_CONCURRENCY, (runId) =>
        fetchRun(this.gql, path, runId).then(() => runId),
      )) {
        confirmed.push(id);
      }
      yield* confirmed;
      return;
    }
    // Ids together with a filter: the server intersects them, as a run the filter excludes is not wanted.
    const filters =
      choice.kind === 'ids'
        ? JSON.stringify({ $and: [JSON.parse(this.plan.filter ?? '{}') as unknown, { name: { $in: choice.ids } }] })
        : (this.plan.filter ?? '{}');
    const listed = new Set<string>();
    for await (const page of listRuns(this.gql, path, { filters, order: RUN_ORDER, perPage: this.plan.perPage })) {
      for (const run of page) {
        if (choice.kind === 'regex' && !choice.matches(run.id) && !(run.displayName !== null && choice.matches(run.displayName))) continue;
        if (listed.has(run.id)) continue;
        listed.add(run.id);
        yield run.id;
      }
    }
    if (choice.kind === 'ids') {
      for (const id of choice.ids) {
        if (!listed.has(id)) this.log.warning(`W&B run '${id}' in '${projectLabel(path)}' does not exist or does not match the filter.`);
      }
    }
  }

  private async filesOf(path: ProjectPath, runId: string, out: PageStream<RemoteFile[]>): Promise<void> {
    const { files, perPage } = this.plan;
    const fileNames = files.kind === 'names' ? files.names : [];
    const pattern = files.kind === 'pattern' ? files.pattern : null;
    const fileMatches = files.kind === 'regex' || files.kind === 'pattern' ? files.matches : undefined;
    const wanted = new Set(fileNames);
    const found = new Set<string>();
    try {
      for await (const nodes of listRunFiles(this.gql, path, runId, { names: fileNames, pattern }, perPage)) {
        const page: RemoteFile[] = [];
        for (const node of nodes) {
          if (wanted.size > 0) {
            // A server may answer a missing name with a placeholder (md5 "0", size 0, §2.3), or ignore names.
            if (!wanted.has(node.name) || isPlaceholder(node) || found.has(node.name)) continue;
            found.add(node.name);
          }
          if (fileMatches && !fileMatches(node.name)) continue;
          page.push(this.remoteFile(path, runId, node));
        }
        out.push(page);
      }
    } catch (error) {
      // A listed run deleted before its files were read is gone, not an input mistake.
      if (!(error instanceof RunNotFoundError)) throw error;
      this.log.warning(`W&B run '${runId}' disappeared from '${projectLabel(path)}' while its files were being listed.`);
    }
    for (const name of fileNames) {
      if (!found.has(name)) this.log.warning(`W&B run '${runId}' in '${projectLabel(path)}' has no file named '${name}'.`);
    }
  }

  private remoteFile(path: ProjectPath, runId: string, node: FileNode): RemoteFile {
    const handle: WandbFileHandle = { url: node.url, path, runId, name: node.name };
    const file: RemoteFile = {
      backend: 'wandb',
      project: projectLabel(path),
      containerKind: 'run',
      container: runId,
      attribute: node.name,
      pathParts: [],
      handle,
    };
    if (node.sizeBytes !== null) file.size = node.sizeBytes;
    if (node.md5 !== null && MD5_BASE64.test(node.md5)) file.checksum = { algorithm: 'md5', value: node.md5 };
    else if (node.md5 !== null && node.md5 !== '0')
      this.log.debug(`W&B file '${node.name}': md5 '${node.md5}' is not a base64 MD5; not verified`);
    if (node.mimetype !== null) file.mimeType = node.mimetype;
    const runCheck = checkRunId(runId);
    const nameCheck = checkFileName(node.name);
    // A hostile name is kept with its reason (never thrown): the core reports it as failed (§4).
    if (!runCheck.ok) file.invalidName = runCheck.reason;
    else if (!nameCheck.ok) file.invalidName = nameCheck.reason;
    else file.pathParts = [runId, ...nameCheck.parts];
    return file;
  }
}

function isPlaceholder(node: FileNode): boolean {
  return node.md5 === '0' && (node.sizeBytes ?? 0) === 0;
}
