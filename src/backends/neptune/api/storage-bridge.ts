// Signing storage paths for reading (neptune.md §7.1): POST /api/storagebridge/v1/signedUrl with snake_case keys;
// the answer is matched to the request by position and must name a known provider.
import { ServerError } from '../../../core/errors.ts';
import type { NeptuneApi } from './neptune-api.ts';

export type StorageProvider = 'azure' | 'gcp' | 'aws';

export interface SignTarget {
  /** Storage path from the file value. */
  path: string;
  /** `workspace/project`. */
  projectIdentifier: string;
}

export interface SignedUrl {
  url: string;
  provider: StorageProvider;
}

export type Signer = (targets: readonly SignTarget[]) => Promise<SignedUrl[]>;

const PROVIDERS: ReadonlySet<string> = new Set(['azure', 'gcp', 'aws']);

export function storageBridgeSigner(api: NeptuneApi): Signer {
  return async (targets) => {
    const answer = (await api.postJson({
      endpoint: 'signed-url',
      path: '/api/storagebridge/v1/signedUrl',
      body: { files: targets.map((t) => ({ path: t.path, project_identifier: t.projectIdentifier, permission: 'read' })) },
    })) as { files?: unknown } | null;
    const files = answer !== null && typeof answer === 'object' && Array.isArray(answer.files) ? (answer.files as unknown[]) : undefined;
    if (files === undefined || files.length !== targets.length) {
      throw new ServerError(
        `Neptune's signedUrl answer holds ${files?.length ?? 'no'} URLs for ${targets.length} files; the storage bridge must sign every path it is given.`,
      );
    }
    return files.map((file) => {
      const { url, provider } = (file ?? {}) as { url?: unknown; provider?: unknown };
      if (typeof url !== 'string' || url === '') throw new ServerError("Neptune's signedUrl answer has an entry without a URL.");
      if (typeof provider !== 'string' || !PROVIDERS.has(provider)) {
        throw new ServerError(`Neptune's signedUrl answer names the unsupported storage provider '${String(provider)}'.`);
      }
      return { url, provider: provider as StorageProvider };
    });
  };
}
