// The W&B API key: checked locally the way the official client checks it before any request, and turned into
// the Basic credential it sends (wandb.md §1 "Key format", "How the key is sent").
import { InputError, registerSecret } from '../../core/errors.ts';
import { WandbInputs as Inputs } from './inputs.ts';

/** Three base64url segments: accepted as is by the client (identity tokens); the signature may be empty. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** `[\w-]+` as the client writes it; ASCII only here, because the key ends up in an HTTP header. */
const KEY_CHARS = /^[A-Za-z0-9_-]+$/;
const MIN_SECRET_LENGTH = 40;

/**
 * Throws InputError('api-token') for a key the official client would refuse (§1): unless JWT-shaped, the part
 * after the first `-` (or the whole key) must be 40+ word characters. The message never contains the key.
 */
export function checkApiKey(key: string): void {
  if (key === '') throw new InputError(Inputs.apiToken, 'the W&B API key is empty.');
  if (JWT_SHAPE.test(key)) return;
  const dash = key.indexOf('-');
  const secret = dash >= 0 ? key.slice(dash + 1) : key;
  if (secret.length < MIN_SECRET_LENGTH) {
    // The client's own wording (AuthenticationError in wbauth/validation.py).
    throw new InputError(
      Inputs.apiToken,
      `API key must have ${MIN_SECRET_LENGTH}+ characters, has ${secret.length}. Copy the whole key from https://wandb.ai/authorize (or your server's /authorize page).`,
    );
  }
  if (!KEY_CHARS.test(secret) || (dash >= 0 && !KEY_CHARS.test(key.slice(0, dash)))) {
    throw new InputError(
      Inputs.apiToken,
      'the W&B API key contains characters an API key cannot have (only letters, digits, `_` and `-`); check for spaces, quotes or line breaks around the secret.',
    );
  }
}

/** `Basic base64("api:" + key)` (§1), registered as a secret together with the key so no message shows them. */
export function basicAuthHeader(key: string): string {
  const encoded = Buffer.from(`api:${key}`, 'utf8').toString('base64');
  registerSecret(key);
  registerSecret(encoded);
  return `Basic ${encoded}`;
}
