// Neptune's `azure` storage: blobs uploaded to Azurite, read through the recording proxy with SAS URLs
// (`sp=r`). Missing blobs are simply never uploaded, so Azurite itself answers 404 BlobNotFound.
import { BlockBlobClient } from '@azure/storage-blob';
import { contentBytes, contentSize, contentStream, isMissing } from './content.ts';
import type { Content, FaultEngine, RequestLog } from './contracts.ts';
import { startAzureProxy, type AzureProxy } from './azure-proxy.ts';
import { blobSasUrl, encodeBlobName, startAzurite, type Azurite } from './azurite.ts';
import { DEFAULT_URL_TTL_MS, type AzureBlobs } from './storage-server.ts';

export const NEPTUNE_AZURE_CONTAINER = 'neptune';

const UPLOAD_BLOCK_BYTES = 8 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 4;

export interface AzureStorageOptions {
  faults: FaultEngine;
  log: RequestLog;
  urlTtlMs?: number;
  latencyMs?: number;
  container?: string;
  /** Use Azurite's disk persistence (gigabyte fixtures); default memory. */
  persistence?: 'memory' | 'disk';
}

export interface AzureStorage extends AzureBlobs {
  azurite: Azurite;
  proxy: AzureProxy;
  container: string;
  close(): Promise<void>;
}

/** Uploads content to a blob; generated content is streamed in blocks, never held whole. */
export async function uploadContent(azurite: Azurite, container: string, key: string, content: Content): Promise<void> {
  if (isMissing(content)) return;
  const url = `${azurite.endpoint}/${container}/${encodeBlobName(key)}`;
  const blob = new BlockBlobClient(url, azurite.credential);
  const size = contentSize(content);
  if (!('generate' in content) || size <= UPLOAD_BLOCK_BYTES) {
    const bytes = contentBytes(content, key);
    await blob.upload(bytes, bytes.length);
    return;
  }
  await blob.uploadStream(contentStream(content, key), UPLOAD_BLOCK_BYTES, UPLOAD_CONCURRENCY);
}

export async function startAzureStorage(options: AzureStorageOptions): Promise<AzureStorage> {
  const container = options.container ?? NEPTUNE_AZURE_CONTAINER;
  const ttlMs = options.urlTtlMs ?? DEFAULT_URL_TTL_MS;
  const azurite = await startAzurite({ persistence: options.persistence ?? 'memory' });
  let proxy: AzureProxy | undefined;
  try {
    await azurite.service.getContainerClient(container).createIfNotExists();
    proxy = await startAzureProxy({ upstream: azurite.origin, faults: options.faults, log: options.log, latencyMs: options.latencyMs });
  } catch (error) {
    await azurite.close();
    throw error;
  }
  const uploads = new Map<string, Promise<void>>();
  const front = proxy;
  return {
    azurite,
    proxy: front,
    container,
    put(key, content) {
      let upload = uploads.get(key);
      if (upload === undefined) {
        upload = uploadContent(azurite, container, key, content);
        // A failed upload may be retried by a later put.
        upload.catch(() => uploads.delete(key));
        uploads.set(key, upload);
      }
      return upload;
    },
    sign(key) {
      return blobSasUrl(azurite, front.origin, container, key, 'r', ttlMs);
    },
    async close() {
      // Uploads still running fail once Azurite is gone; their callers see that error.
      await front.close();
      await azurite.close();
    },
  };
}
