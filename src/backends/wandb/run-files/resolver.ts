// From a W&B run-files selection to RemoteFiles (wandb.md): the entity (§2.0), the runs (runs/selected-runs.ts),
// then each run's files (§2.3), a few runs at a time.
import type { Logger } from '../../../core/logger.ts';
import type { RemoteFile } from '../../../core/types.ts';
import { orderedPool } from '../../../core/concurrency/ordered-pool.ts';
import { PageStream } from '../../../core/paging/page-stream.ts';
import { checkFileName, checkRunId } from '../file-names.ts';
import type { WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { listRunFiles, type FileNode } from '../api/run-files.ts';
import { projectLabel, RunNotFoundError, type ProjectPath } from '../api/runs.ts';
import { fetchDefaultEntity } from '../api/viewer.ts';
import { selectedRuns } from '../runs/selected-runs.ts';
import type { WandbRunFilesSelection } from '../selection.ts';
import type { WandbFileHandle } from './locator.ts';

/** Runs whose files are listed at the same time (each run's pages stay sequential). */
const RUN_CONCURRENCY = 4;
/** Base64 of a 16-byte digest, the only md5 form W&B reports (§2.3); `"0"` is a placeholder. */
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;

export class WandbResolver {
  private readonly plan: WandbRunFilesSelection;
  private readonly gql: WandbGraphqlClient;
  private readonly log: Logger;

  constructor(plan: WandbRunFilesSelection, gql: WandbGraphqlClient, log: Logger) {
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
    const runs = selectedRuns(this.gql, path, this.plan, this.plan.perPage, this.log);
    const streams = orderedPool(runs, RUN_CONCURRENCY, (runId) =>
      Promise.resolve(PageStream.from<RemoteFile[]>((out) => this.filesOf(path, runId, out))),
    );
    for await (const pages of streams) {
      for await (const page of pages) if (page.length > 0) yield page;
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
