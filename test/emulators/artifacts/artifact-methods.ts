// The five ArtifactService methods the v6 client calls (github-actions.md §3.4), over an in-memory table of
// artifacts and a blob store (Azurite). Requests arrive as protojson objects; answers are snake_case objects
// with int64 as decimal strings, as the real Twirp server emits them.
import { createHash } from 'node:crypto';
import type { BackendIds } from './runtime-token.ts';
import { int32Field, int64Field, requiredString, stringField, timestampField, TwirpError, type JsonObject } from './twirp.ts';

export const ARTIFACT_METHODS = ['CreateArtifact', 'FinalizeArtifact', 'ListArtifacts', 'GetSignedArtifactURL', 'DeleteArtifact'] as const;
export type ArtifactMethod = (typeof ARTIFACT_METHODS)[number];

/** The message the real service sends with its 409 (github-actions.md §3.4, "Duplicate name"). */
export const DUPLICATE_NAME_MSG = 'an artifact with this name already exists on the workflow run';
/** CreateArtifact's `version` that @actions/artifact v6 sends (upload-artifact.ts). */
export const ARTIFACT_VERSION = 7;
/** Characters the service rejects in a name, the same list the client checks first (github-actions.md §3.2). */
const FORBIDDEN_NAME_CHARACTERS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

export interface ArtifactRecord {
  /** database_id / artifact_id. */
  id: number;
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** `pending` from CreateArtifact until a FinalizeArtifact that found the blob. */
  state: 'pending' | 'finalized';
  version: number;
  mimeType: string | undefined;
  /** Present when the client asked for a retention period. */
  expiresAt: Date | undefined;
  createdAt: Date;
  /** Blob name inside the container. */
  blobName: string;
  /** The signed upload URL handed out (SAS included: tests look for its `sig` in the logs). */
  uploadUrl: string;
  /** Finalized only: bytes and sha256 hex of the stored blob. */
  size: number | undefined;
  digest: string | undefined;
}

export interface BlobStore {
  /** A blob-scoped SAS URL with create+write permission (`sp=cw`). */
  uploadUrl(blobName: string): string;
  /** A blob-scoped SAS URL with read permission. */
  downloadUrl(blobName: string): string;
  /** Size and sha256 (hex) of the blob, or undefined when it does not exist. */
  inspect(blobName: string): Promise<{ size: number; sha256: string } | undefined>;
  remove(blobName: string): Promise<void>;
}

export interface ArtifactTable {
  records: ArtifactRecord[];
  nextId: number;
}

export type MethodHandler = (body: JsonObject, caller: BackendIds) => Promise<JsonObject>;

/**
 * The body's backend ids against the token's. Create and Finalize act for the calling job. Reads and deletes
 * act on the run: the client sends the *artifact's* job id there (download-artifact.ts and delete-artifact.ts
 * copy it from the ListArtifacts entry), so a matrix sibling's artifact is reachable from any job of the run.
 */
function checkCaller(body: JsonObject, caller: BackendIds, scope: 'job' | 'run'): BackendIds {
  const ids = {
    workflowRunBackendId: requiredString(body, 'workflow_run_backend_id'),
    workflowJobRunBackendId: requiredString(body, 'workflow_job_run_backend_id'),
  };
  if (
    ids.workflowRunBackendId !== caller.workflowRunBackendId ||
    (scope === 'job' && ids.workflowJobRunBackendId !== caller.workflowJobRunBackendId)
  ) {
    throw new TwirpError('permission_denied', 'the backend ids do not match the runtime token');
  }
  return ids;
}

function checkName(name: string): void {
  const bad = FORBIDDEN_NAME_CHARACTERS.find((c) => name.includes(c));
  if (bad !== undefined)
    throw new TwirpError('invalid_argument', `the artifact name contains the forbidden character ${JSON.stringify(bad)}`);
}

/** Where the real service puts the blob (the upload URL in actions/upload-artifact#740), name hashed. */
function blobNameFor(ids: BackendIds, name: string, mimeType: string | undefined): string {
  const hashed = createHash('sha256').update(name).digest('hex');
  const extension = mimeType === undefined || mimeType === 'application/zip' ? '.zip' : '';
  return `${ids.workflowRunBackendId}/workflow-job-run-${ids.workflowJobRunBackendId}/artifacts/${hashed}${extension}`;
}

export function createArtifactMethods(table: ArtifactTable, blobs: BlobStore): Record<ArtifactMethod, MethodHandler> {
  const inRun = (run: string, name: string, state?: ArtifactRecord['state']): ArtifactRecord | undefined =>
    table.records.find((r) => r.workflowRunBackendId === run && r.name === name && (state === undefined || r.state === state));
  /** A finalized artifact addressed by (run, job, name), as reads and deletes address it. */
  const finalizedOf = (ids: BackendIds, name: string): ArtifactRecord => {
    const record = inRun(ids.workflowRunBackendId, name, 'finalized');
    if (!record || record.workflowJobRunBackendId !== ids.workflowJobRunBackendId) throw new TwirpError('not_found', 'artifact not found');
    return record;
  };

  return {
    async CreateArtifact(body, caller) {
      checkCaller(body, caller, 'job');
      const name = requiredString(body, 'name');
      checkName(name);
      const version = int32Field(body, 'version') ?? 0;
      if (version !== ARTIFACT_VERSION)
        throw new TwirpError('invalid_argument', `unsupported artifact version ${version}; expected ${ARTIFACT_VERSION}`);
      const expiresAt = timestampField(body, 'expires_at');
      if (expiresAt !== undefined && expiresAt.getTime() <= Date.now())
        throw new TwirpError('invalid_argument', 'expires_at is in the past');
      const mimeType = stringField(body, 'mime_type');
      // Finalized artifacts are immutable per run, whichever job made them (github-actions.md §3.6).
      if (inRun(caller.workflowRunBackendId, name, 'finalized')) throw new TwirpError('already_exists', DUPLICATE_NAME_MSG);
      // A pending one (a retried or abandoned upload) is replaced: the new upload URL wins.
      const stale = inRun(caller.workflowRunBackendId, name, 'pending');
      if (stale) table.records.splice(table.records.indexOf(stale), 1);
      const blobName = blobNameFor(caller, name, mimeType);
      const record: ArtifactRecord = {
        id: stale?.id ?? table.nextId++,
        name,
        ...caller,
        state: 'pending',
        version,
        mimeType,
        expiresAt,
        createdAt: new Date(),
        blobName,
        uploadUrl: blobs.uploadUrl(blobName),
        size: undefined,
        digest: undefined,
      };
      table.records.push(record);
      return { ok: true, signed_upload_url: record.uploadUrl };
    },

    async FinalizeArtifact(body, caller) {
      checkCaller(body, caller, 'job');
      const name = requiredString(body, 'name');
      // The client omits default values, so an empty upload arrives without `size`.
      const size = int64Field(body, 'size') ?? 0n;
      const hash = stringField(body, 'hash');
      if (hash !== undefined && !/^sha256:[0-9a-f]{64}$/.test(hash))
        throw new TwirpError('invalid_argument', 'hash must be sha256:<64 hex digits>');
      const record = inRun(caller.workflowRunBackendId, name);
      if (!record || record.workflowJobRunBackendId !== caller.workflowJobRunBackendId) {
        throw new TwirpError('not_found', 'no artifact with this name was created by this job');
      }
      if (record.state === 'finalized') throw new TwirpError('already_exists', 'the artifact is already finalized');
      const blob = await blobs.inspect(record.blobName);
      if (!blob) throw new TwirpError('failed_precondition', 'the artifact content was not uploaded to the signed URL');
      if (BigInt(blob.size) !== size)
        throw new TwirpError('invalid_argument', `size ${size} does not match the ${blob.size} bytes uploaded`);
      if (hash !== undefined && hash !== `sha256:${blob.sha256}`)
        throw new TwirpError('invalid_argument', 'hash does not match the uploaded content');
      record.state = 'finalized';
      record.size = blob.size;
      record.digest = blob.sha256;
      return { ok: true, artifact_id: String(record.id) };
    },

    async ListArtifacts(body, caller) {
      checkCaller(body, caller, 'run');
      const nameFilter = stringField(body, 'name_filter');
      const idFilter = int64Field(body, 'id_filter');
      const artifacts = table.records
        .filter((r) => r.state === 'finalized' && r.workflowRunBackendId === caller.workflowRunBackendId)
        .filter((r) => (nameFilter === undefined || r.name === nameFilter) && (idFilter === undefined || BigInt(r.id) === idFilter))
        .map((r) => ({
          workflow_run_backend_id: r.workflowRunBackendId,
          workflow_job_run_backend_id: r.workflowJobRunBackendId,
          database_id: String(r.id),
          name: r.name,
          size: String(r.size ?? 0),
          created_at: r.createdAt.toISOString(),
          digest: `sha256:${r.digest ?? ''}`,
        }));
      return { artifacts };
    },

    async GetSignedArtifactURL(body, caller) {
      const record = finalizedOf(checkCaller(body, caller, 'run'), requiredString(body, 'name'));
      return { signed_url: blobs.downloadUrl(record.blobName) };
    },

    async DeleteArtifact(body, caller) {
      const record = finalizedOf(checkCaller(body, caller, 'run'), requiredString(body, 'name'));
      await blobs.remove(record.blobName);
      table.records.splice(table.records.indexOf(record), 1);
      return { ok: true, artifact_id: String(record.id) };
    },
  };
}
