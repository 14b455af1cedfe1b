// When a connection failed at the proxy HTTP(S)_PROXY names, a sentence that says so.

/**
 * When a connection failure was the proxy's (the refused address is the one HTTP(S)_PROXY names, as undici's
 * EnvHttpProxyAgent reads them), a sentence that says so; '' otherwise. Never shows the proxy's credentials.
 */
export function proxyHint(error: unknown, url: string, env: NodeJS.ProcessEnv = process.env): string {
  const http = env.http_proxy ?? env.HTTP_PROXY;
  const raw = new URL(url).protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY ?? http) : http;
  if (raw === undefined || raw === '') return '';
  let proxy: URL;
  try {
    proxy = new URL(raw);
  } catch {
    return '';
  }
  const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const { address, port: failedPort } = current as { address?: string; port?: number };
    if (address === proxy.hostname && failedPort === port) {
      return ` The connection that failed was to the proxy ${proxy.host} (HTTPS_PROXY/HTTP_PROXY): check that it runs and is reachable from the runner, or list the tracker's host in NO_PROXY.`;
    }
    current = current.cause;
  }
  return '';
}
