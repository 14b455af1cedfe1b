// The Neptune API token: base64 of a JSON object whose `api_url` (or `api_address`) is the server to talk to
// (neptune.md §2.1). Parsed before any network call; messages never quote the token.
import { InputError, registerSecret } from '../../../core/errors.ts';
import { readHttpUrl } from '../../../core/inputs/input-values.ts';
import { NeptuneInputs as Inputs } from '../inputs.ts';

export interface NeptuneTokenInfo {
  /** Base URL of the API: `api_url`, else `api_address`. */
  apiUrl: string;
  apiAddress?: string;
}

const WHERE = 'Copy the whole token from the Neptune app (your user menu → "Get your API token") into the secret.';

export function parseNeptuneToken(token: string): NeptuneTokenInfo {
  const trimmed = token.trim();
  if (trimmed === '') throw new InputError(Inputs.apiToken, `is empty. ${WHERE}`);
  registerSecret(trimmed);
  let decoded: unknown;
  try {
    const text = Buffer.from(trimmed, 'base64').toString('utf8');
    decoded = JSON.parse(text);
  } catch {
    decoded = undefined;
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw new InputError(Inputs.apiToken, `is not a Neptune API token (it should be base64-encoded JSON). ${WHERE}`);
  }
  const fields = decoded as Record<string, unknown>;
  if (typeof fields.api_key === 'string') registerSecret(fields.api_key);
  const apiUrl = nonEmptyString(fields.api_url);
  const apiAddress = nonEmptyString(fields.api_address);
  // The client uses `str(api_url) or str(api_address)`; it needs one of the two (§2.1).
  const base = apiUrl ?? apiAddress;
  if (base === undefined) {
    throw new InputError(Inputs.apiToken, `does not name a Neptune server (no api_url or api_address inside). ${WHERE}`);
  }
  readHttpUrl(base, Inputs.apiToken, 'https://neptune.example.com', `the server address inside the token ('${base}')`);
  return apiAddress === undefined ? { apiUrl: base } : { apiUrl: base, apiAddress };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
