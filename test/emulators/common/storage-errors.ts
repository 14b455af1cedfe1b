// Error answers in the shape each storage provider sends, so clients classify them as they would in
// production (neptune.md §7.2: the Neptune client treats gcp/aws 400 as an expired URL and 403 as transient;
// Azure errors need `x-ms-error-code` and a `<Message>` element or the Python SDK crashes mapping them).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** How errors look: GCS XML API (also used for W&B's GCS-like storage), S3, or Azure Blob. */
export type ErrorDialect = 'gcp' | 'aws' | 'azure';

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?');
}

export interface StorageError {
  status: number;
  code: string;
  message: string;
  /** Extra child elements, already escaped XML. */
  extra?: string;
}

export function errorXml(dialect: ErrorDialect, e: StorageError): string {
  const decl = dialect === 'gcp' ? "<?xml version='1.0' encoding='UTF-8'?>" : '<?xml version="1.0" encoding="utf-8"?>';
  const tail =
    dialect === 'aws'
      ? `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId>`
      : '';
  return `${decl}<Error><Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message>${e.extra ?? ''}${tail}</Error>`;
}

/** Writes the error; Azure also gets `x-ms-error-code` (the Azure SDKs read the code from there first). */
export function sendStorageError(res: ServerResponse, dialect: ErrorDialect, e: StorageError, head = false): void {
  const body = errorXml(dialect, e);
  const headers: Record<string, string> = {
    'content-type': dialect === 'gcp' ? 'application/xml; charset=UTF-8' : 'application/xml',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (dialect === 'azure') {
    headers['x-ms-error-code'] = e.code;
    headers['x-ms-request-id'] = randomBytes(16).toString('hex');
  }
  res.writeHead(e.status, headers);
  res.end(head ? undefined : body);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What the provider answers for an expired signed URL. */
export function expiredError(dialect: ErrorDialect, expiredAtMs: number, ttlSeconds: number): StorageError {
  switch (dialect) {
    case 'gcp':
      return {
        status: 400,
        code: 'ExpiredToken',
        message: 'Invalid argument.',
        extra: `<Details>The provided token has expired. Request signature expired at: ${iso(expiredAtMs).replace('Z', '+00:00')}</Details>`,
      };
    case 'aws':
      return {
        status: 403,
        code: 'AccessDenied',
        message: 'Request has expired',
        extra: `<X-Amz-Expires>${ttlSeconds}</X-Amz-Expires><Expires>${iso(expiredAtMs)}</Expires><ServerTime>${iso(Date.now())}</ServerTime>`,
      };
    case 'azure':
      return {
        status: 403,
        code: 'AuthenticationFailed',
        message: `Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.\nRequestId:${randomBytes(16).toString('hex')}\nTime:${new Date().toISOString()}`,
        extra: `<AuthenticationErrorDetail>Signature not valid in the specified time frame: Start [${new Date(expiredAtMs - ttlSeconds * 1000).toUTCString()}] - Expiry [${new Date(expiredAtMs).toUTCString()}] - Current [${new Date().toUTCString()}]</AuthenticationErrorDetail>`,
      };
  }
}

export function missingError(dialect: ErrorDialect, bucket: string, key: string): StorageError {
  switch (dialect) {
    case 'gcp':
      return {
        status: 404,
        code: 'NoSuchKey',
        message: 'The specified key does not exist.',
        extra: `<Details>No such object: ${xmlEscape(`${bucket}/${key}`)}</Details>`,
      };
    case 'aws':
      return { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.', extra: `<Key>${xmlEscape(key)}</Key>` };
    case 'azure':
      return { status: 404, code: 'BlobNotFound', message: 'The specified blob does not exist.' };
  }
}

export function badSignatureError(dialect: ErrorDialect): StorageError {
  if (dialect === 'aws') {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  }
  if (dialect === 'azure') {
    return { status: 403, code: 'AuthenticationFailed', message: 'Server failed to authenticate the request.' };
  }
  return {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: 'Access denied.',
    extra: '<Details>The request signature we calculated does not match the signature you provided.</Details>',
  };
}

/** The answer to an injected `status` fault when the rule gives no body. */
export function injectedError(dialect: ErrorDialect, status: number): StorageError {
  const code = status === 503 ? 'ServerBusy' : status === 429 ? 'SlowDown' : status >= 500 ? 'InternalError' : 'InjectedFault';
  return { status, code, message: `Injected HTTP ${status}.` };
}
