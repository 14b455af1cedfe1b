// The tracking server's address (mlflow.md §1): `api-url`, else MLFLOW_TRACKING_URI. Only an http(s) server is
// something this tool can talk to; the local stores the Python client also accepts (a folder, `file:`,
// `sqlite:`, a database URL) and Databricks workspaces are refused with a message saying what to give instead.
import { InputError } from '../../core/errors.ts';
import { readHttpUrl } from '../../core/inputs/input-values.ts';
import { MlflowInputs as Inputs } from './inputs.ts';

export interface TrackingServer {
  /** The tracking URI with trailing `/` removed; a path prefix (`https://host/mlflow`) is kept (§1). */
  uri: string;
  /** `https://host[:port]`: the one origin that receives the credentials. */
  origin: string;
}

const EXAMPLE = 'https://mlflow.example.com (or http://127.0.0.1:5000)';
const DATABASE_SCHEMES = /^(sqlite|postgresql|postgres|mysql|mssql|oracle)(\+[\w-]+)?:/i;

export function readTrackingServer(value: string): TrackingServer {
  if (value === '') {
    throw new InputError(Inputs.apiUrl, `is required: give the tracking server's URL, e.g. ${EXAMPLE}, or set MLFLOW_TRACKING_URI.`);
  }
  if (/^databricks(-uc)?(:|$)/i.test(value)) {
    throw new InputError(
      Inputs.apiUrl,
      `'${value}' is a Databricks workspace, which the MLflow client reaches through the Databricks SDK; this tool talks to an MLflow tracking server (http or https).`,
    );
  }
  if (DATABASE_SCHEMES.test(value) || /^file:/i.test(value) || !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    throw new InputError(
      Inputs.apiUrl,
      `'${value}' is a local MLflow store (a folder or a database), not a tracking server. This tool talks to a tracking server over http(s): start one on that store (mlflow server --backend-store-uri …) and give its URL, e.g. ${EXAMPLE}.`,
    );
  }
  const parsed = safeUrl(value);
  if (parsed !== undefined && (parsed.username !== '' || parsed.password !== '')) {
    throw new InputError(
      Inputs.apiUrl,
      'must not contain credentials; set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (from secrets) instead.',
    );
  }
  const url = readHttpUrl(value, Inputs.apiUrl, EXAMPLE);
  const uri = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  return { uri, origin: url.origin };
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
