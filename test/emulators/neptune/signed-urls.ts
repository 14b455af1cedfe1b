// `POST /api/storagebridge/v1/signedUrl` (and the older `/azure/signedUrl`, neptune.md §7.1): snake_case JSON;
// the answer lists the same files in the same order, each with the project's provider and a signed URL. Like
// the real server it signs any path, so an unknown one fails only at the storage GET (404).
import type { BlobSigner } from '../common/contracts.ts';
import { ApiError, badRequest, isObject, requireProject, type Json } from './http-util.ts';
import type { NeptuneStore } from './store.ts';

export function signedUrls(store: NeptuneStore, signer: BlobSigner, body: Json): Json {
  const files = body.files;
  if (!Array.isArray(files)) throw badRequest("'files' must be an array");
  const signed = files.map((f: unknown) => {
    if (!isObject(f) || typeof f.path !== 'string' || typeof f.project_identifier !== 'string') {
      throw badRequest("'files' entries must have string 'path' and 'project_identifier'");
    }
    // The emulated storage is read-only: any other permission (the enum also has `write`) is refused.
    if (f.permission !== 'read') throw new ApiError(400, 'BAD_REQUEST', `Unsupported permission '${String(f.permission)}'`);
    const project = requireProject(store, f.project_identifier);
    return {
      path: f.path,
      project_identifier: f.project_identifier,
      provider: project.provider,
      url: signer.sign(f.path, project.provider),
    };
  });
  return { files: signed };
}
