// Starts the emulators a fixture needs: the signed-URL storage server (127.0.0.2), Azurite behind its proxy
// (127.0.0.3) when a Neptune project stores on `azure`, and one API server on 127.0.0.1 per tracker (Neptune,
// W&B, MLflow). Each
// API server answers the `/_emulator/` control routes itself and hands everything else to the tracker handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentSize } from './common/content.ts';
import { handleControl } from './common/control.ts';
import { startAzureStorage, type AzureStorage } from './common/azure-blobs.ts';
import type {
  BlobSigner,
  FaultEngine,
  Fixture,
  Handler,
  MlflowFixture,
  NeptuneFixture,
  RequestLog,
  WandbFixture,
} from './common/contracts.ts';
import { createFaultEngine, sleep } from './common/faults.ts';
import { createRequestLog } from './common/request-log.ts';
import { closeServer, startStorageServer, type StorageServer } from './common/storage-server.ts';

/** What a tracker handler factory receives (test/emulators/<tracker>/server.ts). */
export interface TrackerHandlerOptions<F> {
  fixture: F;
  signer: BlobSigner;
  faults: FaultEngine;
  log: RequestLog;
  /** `http://127.0.0.1:<port>` of the server the handler is mounted on. */
  baseUrl: () => string;
  /** Extra knobs from EmulatorOptions.neptune / .wandb (page sizes…). */
  options: Record<string, unknown>;
  /** EmulatorOptions.latencyMs, for any server the handler starts itself (the W&B reference host). */
  latencyMs?: number;
}

interface MountedHandler {
  handler: Handler;
  close?: () => unknown;
}

export type NeptuneHandlerFactory = (o: TrackerHandlerOptions<NeptuneFixture>) => Promise<MountedHandler & { apiToken: string }>;
export type WandbHandlerFactory = (o: TrackerHandlerOptions<WandbFixture>) => Promise<MountedHandler & { apiKey: string }>;
export type MlflowHandlerFactory = (o: TrackerHandlerOptions<MlflowFixture>) => Promise<MountedHandler>;

export interface EmulatorOptions {
  fixture: Fixture;
  /** Lifetime of signed storage URLs (default 15 min). */
  urlTtlMs?: number;
  /** Seed of the fault engine's PRNG (default 1). */
  seed?: number;
  /** Delay added to every API and storage request (benchmarks). */
  latencyMs?: number;
  /** extra knobs passed to the Neptune handler (page sizes…) */
  neptune?: Record<string, unknown>;
  wandb?: Record<string, unknown>;
  /** MLflow server knobs (test/emulators/mlflow/route-context.ts: pathPrefix, serveArtifacts, presignedDownloads). */
  mlflow?: Record<string, unknown>;
  /** Replace the tracker handler modules (tests of this composer; stand-ins). Default: imported on demand. */
  handlers?: { neptune?: NeptuneHandlerFactory; wandb?: WandbHandlerFactory; mlflow?: MlflowHandlerFactory };
}

export interface RunningEmulators {
  neptune?: { url: string; apiToken: string };
  wandb?: { url: string; apiKey: string };
  /** The tracking URI (with the path prefix, when the server has one) and the fixture's credentials. */
  mlflow?: { url: string; auth: MlflowFixture['auth'] };
  storageOrigin: string;
  azure?: { origin: string };
  faults: FaultEngine;
  log: RequestLog;
  close(): Promise<void>;
}

/** Azurite keeps blobs in memory unless the fixture's Azure content is large. */
const AZURE_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

function azureBytes(fixture: NeptuneFixture | undefined): number {
  let total = 0;
  for (const project of fixture?.projects ?? []) {
    if (project.provider !== 'azure') continue;
    for (const run of project.runs) {
      for (const attr of Object.values(run.attributes)) {
        if (attr.type === 'fileRef') total += contentSize(attr.content);
        if (attr.type === 'fileRefSeries') for (const p of attr.points) total += contentSize(p.content);
      }
    }
    if (project.generatedRuns) total += project.generatedRuns.count * project.generatedRuns.fileSize;
  }
  return total;
}

async function loadFactory<T>(module: string, exportName: string): Promise<T> {
  // A computed specifier: the tracker modules are written separately and loaded only when a fixture needs them.
  const specifier = new URL(module, import.meta.url).href;
  const mod = (await import(specifier)) as Record<string, unknown>;
  const factory = mod[exportName];
  if (typeof factory !== 'function') throw new Error(`${module} does not export ${exportName}()`);
  return factory as T;
}

interface ApiServer {
  server: Server;
  url: string;
  mount(mounted: MountedHandler): void;
  close(): Promise<void>;
}

/** An API server on 127.0.0.1:0: control routes, then latency, then the mounted handler. */
async function startApiServer(faults: FaultEngine, log: RequestLog, latencyMs: number): Promise<ApiServer> {
  let mounted: MountedHandler | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (await handleControl(req, res, faults, log)) return;
    if (latencyMs > 0) await sleep(latencyMs);
    if (!mounted) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"emulator starting"}');
      return;
    }
    // Handlers may be async; a rejection must still produce an answer.
    const result: unknown = mounted.handler(req, res);
    if (result instanceof Promise) await result;
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('emulator handler failed:', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mount(m) {
      mounted = m;
    },
    async close() {
      await closeServer(server);
      await mounted?.close?.();
    },
  };
}

export async function startEmulators(options: EmulatorOptions): Promise<RunningEmulators> {
  const { fixture } = options;
  const faults = createFaultEngine(options.seed ?? 1);
  const log = createRequestLog();
  const latencyMs = options.latencyMs ?? 0;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    // In parallel: each part drops its own connections, so none waits on another.
    const results = await Promise.allSettled(
      closers
        .splice(0)
        .reverse()
        .map((c) => c()),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    let azure: AzureStorage | undefined;
    if (fixture.neptune?.projects.some((p) => p.provider === 'azure')) {
      const persistence = azureBytes(fixture.neptune) > AZURE_MEMORY_LIMIT_BYTES ? 'disk' : 'memory';
      azure = await startAzureStorage({ faults, log, urlTtlMs: options.urlTtlMs, latencyMs, persistence });
      closers.push(azure.close);
    }
    const storage: StorageServer = await startStorageServer({ faults, log, urlTtlMs: options.urlTtlMs, latencyMs, azure });
    closers.push(storage.close);
    const running: RunningEmulators = {
      storageOrigin: storage.origin,
      faults,
      log,
      close: closeAll,
      ...(azure ? { azure: { origin: azure.proxy.origin } } : {}),
    };

    if (fixture.neptune) {
      const api = await startApiServer(faults, log, latencyMs);
      closers.push(api.close);
      const factory =
        options.handlers?.neptune ?? (await loadFactory<NeptuneHandlerFactory>('./neptune/server.ts', 'createNeptuneHandler'));
      const created = await factory({
        fixture: fixture.neptune,
        signer: storage.signer,
        faults,
        log,
        baseUrl: () => api.url,
        options: options.neptune ?? {},
      });
      api.mount(created);
      running.neptune = { url: api.url, apiToken: created.apiToken };
    }
    if (fixture.wandb) {
      const api = await startApiServer(faults, log, latencyMs);
      closers.push(api.close);
      const factory = options.handlers?.wandb ?? (await loadFactory<WandbHandlerFactory>('./wandb/server.ts', 'createWandbHandler'));
      const created = await factory({
        fixture: fixture.wandb,
        signer: storage.signer,
        faults,
        log,
        baseUrl: () => api.url,
        options: options.wandb ?? {},
        latencyMs,
      });
      api.mount(created);
      running.wandb = { url: api.url, apiKey: created.apiKey };
    }
    if (fixture.mlflow) {
      const api = await startApiServer(faults, log, latencyMs);
      closers.push(api.close);
      const factory = options.handlers?.mlflow ?? (await loadFactory<MlflowHandlerFactory>('./mlflow/server.ts', 'createMlflowHandler'));
      const created = await factory({
        fixture: fixture.mlflow,
        signer: storage.signer,
        faults,
        log,
        baseUrl: () => api.url,
        options: options.mlflow ?? {},
      });
      api.mount(created);
      const prefix = typeof options.mlflow?.pathPrefix === 'string' ? options.mlflow.pathPrefix.replace(/\/+$/, '') : '';
      running.mlflow = { url: `${api.url}${prefix}`, auth: fixture.mlflow.auth };
    }
    return running;
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}
