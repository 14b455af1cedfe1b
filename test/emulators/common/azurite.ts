// Azurite (the Azure Blob emulator from npm `azurite`) as a child process on a random loopback port, plus the
// bits of @azure/storage-blob tests need: containers, streamed uploads and SAS URLs. Used for Neptune's
// `azure` provider and reusable by an @actions/artifact results-service emulator (github-actions.md §3.5).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';

/** The well-known development account (github-actions.md §3.5). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * The SAS version we sign with. The SDK's default (its newest service version) can be newer than what this
 * Azurite knows; --skipApiVersionCheck lets requests through, but SAS string-to-sign formats change with
 * versions, so we pin one Azurite 3.35 implements.
 */
export const SAS_VERSION = '2025-01-05';

/** Only against a hung start: Azurite loads in a second or two, in 40 s or more on a very busy machine. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 5_000;

export interface StartAzuriteOptions {
  /** `memory` (default) keeps blobs in RAM; `disk` uses a temporary folder (for gigabyte blobs). */
  persistence?: 'memory' | 'disk';
  /** Listening address; default 127.0.0.1. */
  host?: string;
}

export interface Azurite {
  /** Blob endpoint with the account path: `http://127.0.0.1:<port>/devstoreaccount1`. */
  endpoint: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  account: string;
  key: string;
  credential: StorageSharedKeyCredential;
  service: BlobServiceClient;
  /** Milliseconds from spawn until Azurite listened. */
  startupMs: number;
  close(): Promise<void>;
}

function azuriteMain(): string {
  // node_modules/.bin/azurite-blob is a symlink to azurite's blob main; run it with our own node (24), since
  // its shebang would pick whatever `node` is first on PATH.
  const bin = fileURLToPath(new URL('../../../node_modules/.bin/azurite-blob', import.meta.url));
  return realpathSync(bin);
}

/** Children not closed yet, with their work folders. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

/** If the test process exits without closing, do not leave Azurite (or its folder) behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [child, dir] of running) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    }
  });
}

export async function startAzurite(options: StartAzuriteOptions = {}): Promise<Azurite> {
  const host = options.host ?? '127.0.0.1';
  const args = [azuriteMain(), '--blobHost', host, '--blobPort', '0', '--silent', '--loose', '--skipApiVersionCheck', '--disableTelemetry'];
  const workDir = mkdtempSync(join(tmpdir(), 'azurite-'));
  if (options.persistence === 'disk') args.push('--location', workDir);
  else args.push('--inMemoryPersistence');
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.set(child, workDir);
  installExitHook();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let port: number;
  try {
    port = await waitForListening(child);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    running.delete(child);
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const startupMs = performance.now() - started;
  const origin = `http://${host}:${port}`;
  const endpoint = `${origin}/${AZURITE_ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const service = new BlobServiceClient(endpoint, credential);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
      rmSync(workDir, { recursive: true, force: true });
    })();
    return closing;
  };
  return { endpoint, origin, account: AZURITE_ACCOUNT, key: AZURITE_KEY, credential, service, startupMs, close };
}

/** Reads Azurite's stdout until it reports its port ("successfully listens on http://host:port"). */
function waitForListening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => finish(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms: ${out}${err}`)),
      START_TIMEOUT_MS,
    );
    const onOut = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const m = /listens on https?:\/\/[^\s:]+:(\d+)/.exec(out);
      if (m) finish(undefined, Number(m[1]));
    };
    const onErr = (chunk: Buffer): void => {
      err += chunk.toString('utf8');
    };
    const onExit = (code: number | null): void => finish(new Error(`Azurite exited (${code}) before listening: ${out}${err}`));
    function finish(error?: Error, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.off('exit', onExit);
      // Keep draining the pipes so a chatty Azurite never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve(port ?? 0);
    }
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** A service SAS URL for one blob (`sp=r` to read, `sp=cw` to upload), with its origin replaced by `origin`. */
export function blobSasUrl(
  azurite: Pick<Azurite, 'credential' | 'account'>,
  origin: string,
  container: string,
  blobName: string,
  permissions: string,
  ttlMs: number,
): string {
  return `${origin}/${azurite.account}/${container}/${encodeBlobName(blobName)}?${blobSas(azurite, container, blobName, permissions, ttlMs)}`;
}

/** The query string of a service SAS for one blob; it signs the account, container and blob, not the host. */
export function blobSas(
  azurite: Pick<Azurite, 'credential'>,
  container: string,
  blobName: string,
  permissions: string,
  ttlMs: number,
): string {
  const now = Date.now();
  return generateBlobSASQueryParameters(
    {
      containerName: container,
      blobName,
      permissions: BlobSASPermissions.parse(permissions),
      // A start slightly in the past tolerates clock rounding between signer and Azurite.
      startsOn: new Date(now - 60_000),
      // SAS times have whole seconds; round up so the URL lives at least ttlMs.
      expiresOn: new Date(Math.ceil((now + ttlMs) / 1000) * 1000),
      version: SAS_VERSION,
    },
    azurite.credential,
  ).toString();
}

/**
 * A blob name as one URL path segment ('/' as %2F). Azure and Azurite decode it back to the same name, and
 * `..` or empty segments inside a name cannot be collapsed by URL normalisation on the way.
 */
export function encodeBlobName(name: string): string {
  return encodeURIComponent(name);
}
