// The runner's ACTIONS_RUNTIME_TOKEN: a JWT whose `scp` claim carries the workflow run and job backend ids
// (github-actions.md §3.3, §3.5). The client decodes it without verifying the signature, so an unsigned
// token of the same shape is enough; the emulator accepts only the tokens it minted itself.
import { randomBytes } from 'node:crypto';

export interface BackendIds {
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * A `header.payload.signature` token. The scope list has another scope before the Results one, as real tokens
 * do, so a client that takes the first scope instead of searching for `Actions.Results` fails here too.
 */
export function mintRuntimeToken(ids: BackendIds, lifetimeSeconds = 6 * 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5t: 'results-service-emulator' };
  const payload = {
    scp: `Actions.GenericRead:${ids.workflowRunBackendId} Actions.Results:${ids.workflowRunBackendId}:${ids.workflowJobRunBackendId}`,
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vstoken.actions.githubusercontent.com',
    nbf: now - 60,
    iat: now - 60,
    exp: now + lifetimeSeconds,
  };
  return `${base64url(header)}.${base64url(payload)}.${randomBytes(32).toString('base64url')}`;
}

/** The backend ids of a token's `Actions.Results:<run>:<job>` scope, as the client's getBackendIdsFromToken reads them. */
export function backendIdsOf(token: string): BackendIds | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const scp = (claims as { scp?: unknown } | null)?.scp;
  if (typeof scp !== 'string') return undefined;
  for (const scope of scp.split(' ')) {
    const parts = scope.split(':');
    if (parts[0] !== 'Actions.Results') continue;
    if (parts.length !== 3 || !parts[1] || !parts[2]) return undefined;
    return { workflowRunBackendId: parts[1], workflowJobRunBackendId: parts[2] };
  }
  return undefined;
}
