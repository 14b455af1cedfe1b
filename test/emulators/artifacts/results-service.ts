// A local stand-in for the GitHub Actions results service that @actions/artifact v6 talks to: the Twirp JSON
// ArtifactService on a loopback port, with blob storage on Azurite (github-actions.md §3.4, §3.5). The real
// client runs unmodified against it when given `env`. See README.md for what it checks and where it differs.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blobSas, encodeBlobName, startAzurite, type Azurite } from '../common/azurite.ts';
import {
  ARTIFACT_METHODS,
  createArtifactMethods,
  type ArtifactMethod,
  type ArtifactRecord,
  type ArtifactTable,
  type BlobStore,
} from './artifact-methods.ts';
import { backendIdsOf, mintRuntimeToken, type BackendIds } from './runtime-token.ts';
import {
  codeForStatus,
  parseJsonObject,
  readBody,
  sendJson,
  sendTwirpError,
  TwirpError,
  type JsonObject,
  type TwirpCode,
} from './twirp.ts';

const SERVICE_PATH = '/twirp/github.actions.results.api.v1.ArtifactService/';
export const DEFAULT_CONTAINER = 'actions-results';

export interface ResultsServiceOptions {
  /** Share a running Azurite (close() leaves it running); by default one is started and stopped with the service. */
  azurite?: Azurite;
  /** Container for artifact blobs; default `actions-results`, as on github.com. */
  container?: string;
  /**
   * The storage account URL in the signed URLs handed out; default Azurite's path-style endpoint
   * (`http://127.0.0.1:<port>/devstoreaccount1`). A production-style `http://devstoreaccount1.blob.<domain>:<port>`
   * works too (Azurite takes the account from the first label of a dotted host name) when the name reaches Azurite.
   */
  blobAccountUrl?: string;
  workflowRunBackendId?: string;
  workflowJobRunBackendId?: string;
  /** Lifetime of the signed upload and download URLs; default one hour. */
  signedUrlTtlMs?: number;
  /** First artifact id handed out; default above 2^32, so an int64 squeezed through an int32 shows. */
  firstArtifactId?: number;
}

/** Replaces the next answer(s) of one method, before authentication and validation. */
export interface TwirpFault {
  status: number;
  /** Twirp code in the error body; default: the code the spec pairs with `status`. */
  code?: TwirpCode;
  msg?: string;
  /** Send this text verbatim instead of a JSON error (the client JSON.parses it and retries on failure). */
  rawBody?: string;
  /** How many calls get it; default 1. */
  times?: number;
}

export interface ResultsCall {
  method: string;
  status: number;
  /** The parsed request body (undefined when it was not JSON). */
  request: JsonObject | undefined;
  /** True when a fault hook produced the answer. */
  faulted: boolean;
  at: number;
}

export interface ResultsService {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  runtimeToken: string;
  ids: BackendIds;
  /** What a test passes to the process that runs @actions/artifact (GITHUB_SERVER_URL deliberately absent). */
  env: Record<string, string>;
  azurite: Azurite;
  container: string;
  /** `env` for another job of the same run (a matrix sibling): same run id, its own job id and token. */
  jobEnv(workflowJobRunBackendId: string): Record<string, string>;
  /** Snapshot of every artifact, pending and finalized. */
  artifacts(): ArtifactRecord[];
  /** The bytes of a finalized artifact of this run, read back from Azurite. */
  downloadZip(name: string): Promise<Buffer>;
  failNext(method: ArtifactMethod, fault: TwirpFault): void;
  calls(method?: ArtifactMethod): ResultsCall[];
  close(): Promise<void>;
}

function azuriteBlobStore(azurite: Azurite, accountUrl: string, container: string, ttlMs: number): BlobStore {
  const containerClient = azurite.service.getContainerClient(container);
  const signed = (blobName: string, permissions: string): string =>
    `${accountUrl}/${container}/${encodeBlobName(blobName)}?${blobSas(azurite, container, blobName, permissions, ttlMs)}`;
  return {
    uploadUrl: (blobName) => signed(blobName, 'cw'),
    downloadUrl: (blobName) => signed(blobName, 'r'),
    async inspect(blobName) {
      const blob = containerClient.getBlobClient(blobName);
      if (!(await blob.exists())) return undefined;
      const response = await blob.download();
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of response.readableStreamBody as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
      }
      return { size, sha256: hash.digest('hex') };
    },
    async remove(blobName) {
      await containerClient.getBlobClient(blobName).deleteIfExists();
    },
  };
}

/** Loopback must bypass any proxy the caller's environment names; the Azure SDK honours NO_PROXY only. */
function noProxy(): string {
  return [process.env.NO_PROXY ?? process.env.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
}

export async function startResultsService(options: ResultsServiceOptions = {}): Promise<ResultsService> {
  const ownsAzurite = options.azurite === undefined;
  const azurite = options.azurite ?? (await startAzurite());
  const container = options.container ?? DEFAULT_CONTAINER;
  try {
    await azurite.service.getContainerClient(container).createIfNotExists();
  } catch (error) {
    if (ownsAzurite) await azurite.close();
    throw error;
  }
  const ids: BackendIds = {
    workflowRunBackendId: options.workflowRunBackendId ?? randomUUID(),
    workflowJobRunBackendId: options.workflowJobRunBackendId ?? randomUUID(),
  };
  const tokens = new Set<string>();
  const mint = (job: BackendIds): string => {
    const token = mintRuntimeToken(job);
    tokens.add(token);
    return token;
  };
  const runtimeToken = mint(ids);
  const table: ArtifactTable = { records: [], nextId: options.firstArtifactId ?? 2 ** 32 + 1 };
  const methods = createArtifactMethods(
    table,
    azuriteBlobStore(azurite, options.blobAccountUrl ?? azurite.endpoint, container, options.signedUrlTtlMs ?? 3_600_000),
  );
  const faults = new Map<string, Required<Pick<TwirpFault, 'times'>> & TwirpFault>();
  const log: ResultsCall[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse, call: ResultsCall): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const method = path.startsWith(SERVICE_PATH) ? path.slice(SERVICE_PATH.length) : '';
    call.method = method || path;
    if (req.method !== 'POST' || !(ARTIFACT_METHODS as readonly string[]).includes(method)) {
      throw new TwirpError('bad_route', `no handler for ${req.method ?? '?'} ${path}`);
    }
    const text = await readBody(req);
    try {
      call.request = parseJsonObject(text);
    } catch {
      // Reported below, after faults and authentication, in the order a Twirp server checks them.
    }
    const fault = faults.get(method);
    if (fault && fault.times > 0) {
      fault.times -= 1;
      call.faulted = true;
      if (fault.rawBody !== undefined) {
        res.writeHead(fault.status, { 'content-type': 'text/html' });
        res.end(fault.rawBody);
        return;
      }
      throw new TwirpError(fault.code ?? codeForStatus(fault.status), fault.msg ?? `injected ${fault.status}`, fault.status);
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) throw new TwirpError('bad_route', `unexpected Content-Type: ${contentType}`);
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !tokens.has(token)) throw new TwirpError('unauthenticated', 'missing or unknown runtime token');
    // Who is calling comes from the token's scp claim, as on the real service; the body must name the same ids.
    const caller = backendIdsOf(token);
    if (!caller) throw new TwirpError('unauthenticated', 'the token has no Actions.Results scope');
    const body = call.request ?? parseJsonObject(text);
    sendJson(res, 200, await methods[method as ArtifactMethod](body, caller));
  }

  const server = createServer((req, res) => {
    const call: ResultsCall = { method: '', status: 0, request: undefined, faulted: false, at: Date.now() };
    log.push(call);
    res.on('finish', () => (call.status = res.statusCode));
    handle(req, res, call).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof TwirpError) sendTwirpError(res, error);
      else sendTwirpError(res, new TwirpError('internal', error instanceof Error ? error.message : String(error)));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    if (ownsAzurite) await azurite.close();
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const envFor = (token: string): Record<string, string> => ({
    ACTIONS_RUNTIME_TOKEN: token,
    // The runner's value ends in '/'; the client keeps only the origin (github-actions.md §3.3).
    ACTIONS_RESULTS_URL: `${url}/`,
    NO_PROXY: noProxy(),
    no_proxy: noProxy(),
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    runtimeToken,
    ids,
    env: envFor(runtimeToken),
    azurite,
    container,
    jobEnv: (job) => envFor(mint({ workflowRunBackendId: ids.workflowRunBackendId, workflowJobRunBackendId: job })),
    artifacts: () => table.records.map((r) => ({ ...r })),
    async downloadZip(name) {
      const record = table.records.find((r) => r.name === name && r.state === 'finalized');
      if (!record)
        throw new Error(
          `No finalized artifact named '${name}' (have: ${table.records.map((r) => `${r.name} [${r.state}]`).join(', ') || 'none'})`,
        );
      return azurite.service.getContainerClient(container).getBlobClient(record.blobName).downloadToBuffer();
    },
    failNext(method, fault) {
      faults.set(method, { ...fault, times: fault.times ?? 1 });
    },
    calls: (method) => log.filter((c) => method === undefined || c.method === method),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownsAzurite) await azurite.close();
      })();
      return closing;
    },
  };
}
