// The credentials and TLS settings the official client reads (mlflow.md §1): Basic from
// MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD (each falling back to ~/.mlflow/credentials), which wins
// over a Bearer token (`api-token`, else MLFLOW_TRACKING_TOKEN); MLFLOW_TRACKING_INSECURE_TLS,
// MLFLOW_TRACKING_SERVER_CERT_PATH and MLFLOW_TRACKING_CLIENT_CERT_PATH for the tracking server's origin only.
// Every credential and header made from one is registered as a secret here, before anything is sent.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { InputError, registerSecret } from '../../core/errors.ts';
import type { OriginTls } from '../../core/http/dispatcher.ts';
import type { InputReader } from '../../core/inputs/input-spec.ts';
import { readWithFallback } from '../../core/inputs/input-values.ts';
import { MlflowInputs as Inputs } from './inputs.ts';
import type { TrackingServer } from './tracking-server.ts';

export type MlflowAuth = { kind: 'basic'; username: string; header: string } | { kind: 'bearer'; header: string } | { kind: 'none' };

/** A warning for what the user probably did not mean; info for what is worth knowing. */
export interface Note {
  level: 'warning' | 'info';
  message: string;
}

export interface Credentials {
  auth: MlflowAuth;
  tls: OriginTls | undefined;
  /** Things the user should know, logged when the job starts (e.g. api-token ignored because Basic wins). */
  notes: Note[];
}

/** A header value may not hold line breaks or other control characters. */
const HEADER_SAFE = /^[\u0020-\u007e\u0080-\uffff]*$/;

export function readCredentials(read: InputReader, env: NodeJS.ProcessEnv, server: TrackingServer): Credentials {
  const notes: Note[] = [];
  const warn = (message: string): void => {
    notes.push({ level: 'warning', message });
  };
  const file = credentialsFile(env);
  const username = env.MLFLOW_TRACKING_USERNAME || file.mlflow_tracking_username || '';
  const password = env.MLFLOW_TRACKING_PASSWORD || file.mlflow_tracking_password || '';
  if (password !== '') registerSecret(password);
  const token = readWithFallback(read, Inputs.apiToken, env, ['MLFLOW_TRACKING_TOKEN']);
  if (token !== '') registerSecret(token);

  let auth: MlflowAuth = { kind: 'none' };
  if (username !== '' && password !== '') {
    const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    registerSecret(encoded);
    auth = { kind: 'basic', username, header: `Basic ${encoded}` };
    if (token !== '') {
      warn(
        'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are set, so Basic authentication is used and the Bearer token (api-token or MLFLOW_TRACKING_TOKEN) is not sent, as in the MLflow client.',
      );
    }
  } else {
    if (username !== '' || password !== '') {
      warn(
        `Only ${username !== '' ? 'MLFLOW_TRACKING_USERNAME' : 'MLFLOW_TRACKING_PASSWORD'} is set; Basic authentication needs both, so it is not used.`,
      );
    }
    if (token !== '') {
      if (!HEADER_SAFE.test(token)) {
        throw new InputError(Inputs.apiToken, 'contains a line break or another control character; check the secret for stray whitespace.');
      }
      auth = { kind: 'bearer', header: `Bearer ${token}` };
      registerSecret(auth.header);
    }
  }
  if (auth.kind === 'basic' && !HEADER_SAFE.test(username + password)) {
    throw new InputError(
      Inputs.apiToken,
      'MLFLOW_TRACKING_USERNAME or MLFLOW_TRACKING_PASSWORD contains a line break or another control character.',
    );
  }
  for (const name of ['MLFLOW_TRACKING_AWS_SIGV4', 'MLFLOW_TRACKING_AUTH'] as const) {
    const value = env[name]?.trim();
    if (value && value.toLowerCase() !== 'false') {
      warn(`${name} is set: it selects authentication that needs Python code (AWS SigV4 signing or an auth plugin); this tool ignores it.`);
    }
  }
  if (server.origin.startsWith('http:') && auth.kind !== 'none') {
    notes.push({
      level: 'info',
      message: `The tracking server is reached over plain http (${server.origin}): the credentials travel unencrypted.`,
    });
  }
  return { auth, tls: readTls(env, server), notes };
}

/** `~/.mlflow/credentials`, section `[mlflow]` (the client's fallback for username and password). */
function credentialsFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const home = env.HOME || homedir();
  let text: string;
  try {
    text = readFileSync(path.join(home, '.mlflow', 'credentials'), 'utf8');
  } catch {
    return {};
  }
  return parseIniSection(text, 'mlflow');
}

/** The keys of one section of an INI file as Python's configparser reads them (keys lower-cased, `=` or `:`). */
export function parseIniSection(text: string, section: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      inSection = header[1]?.trim() === section;
      continue;
    }
    if (!inSection) continue;
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (m) out[(m[1] ?? '').toLowerCase()] = m[2] ?? '';
  }
  return out;
}

/** MLflow's boolean variables accept true/false/1/0 in any case; anything else is an error there too. */
function readBooleanVariable(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new InputError(Inputs.apiUrl, `${name}='${env[name]}' is not a boolean; use true or false.`);
}

function readTls(env: NodeJS.ProcessEnv, server: TrackingServer): OriginTls | undefined {
  const insecure = readBooleanVariable(env, 'MLFLOW_TRACKING_INSECURE_TLS');
  const caPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH?.trim() ?? '';
  const clientCertPath = env.MLFLOW_TRACKING_CLIENT_CERT_PATH?.trim() ?? '';
  if (insecure && caPath !== '') {
    throw new InputError(
      Inputs.apiUrl,
      'MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH are both set; the MLflow client refuses that too. Keep the certificate path (verification with your CA) and unset the other.',
    );
  }
  if (!server.origin.startsWith('https:')) return undefined;
  if (!insecure && caPath === '' && clientCertPath === '') return undefined;
  const tls: OriginTls = { origin: server.origin };
  if (insecure) tls.insecure = true;
  if (caPath !== '') tls.ca = readPem(caPath, 'MLFLOW_TRACKING_SERVER_CERT_PATH', /-----BEGIN CERTIFICATE-----/);
  if (clientCertPath !== '') {
    const pem = readPem(clientCertPath, 'MLFLOW_TRACKING_CLIENT_CERT_PATH', /-----BEGIN CERTIFICATE-----/);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
      throw new InputError(
        Inputs.apiUrl,
        `MLFLOW_TRACKING_CLIENT_CERT_PATH ('${clientCertPath}') holds no private key; give one PEM file with the client certificate and its key.`,
      );
    }
    tls.cert = pem;
    tls.key = pem;
  }
  return tls;
}

function readPem(file: string, variable: string, expect: RegExp): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(Inputs.apiUrl, `${variable}='${file}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (!expect.test(text)) throw new InputError(Inputs.apiUrl, `${variable}='${file}' holds no PEM certificate.`);
  return text;
}
