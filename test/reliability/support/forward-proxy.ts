// A small counting HTTP proxy for the proxy cases: plain forwarding of absolute-URI requests (what undici's
// ProxyAgent sends for http:// targets) and CONNECT tunnels (https:// targets, and http:// ones from agents that
// always tunnel, such as @actions/http-client's). It records every request or tunnel with its method, target
// host and headers, and can demand Basic credentials (407 otherwise). Given `hosts`, it resolves those names
// itself, as a corporate proxy resolves names its clients cannot: a client that reaches such a host at all must
// have gone through the proxy.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxyRecord {
  kind: 'forward' | 'connect';
  /** The request method (`CONNECT` for a tunnel). */
  method: string;
  /** `host:port` of the target. */
  target: string;
  headers: IncomingHttpHeaders;
  /** 407 when refused for missing or wrong credentials. */
  status: number;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  records: ProxyRecord[];
  close(): Promise<void>;
}

export interface ForwardProxyOptions {
  credentials?: { user: string; password: string };
  /** Host names only the proxy knows (name → address it connects to); other names go to the system resolver. */
  hosts?: Record<string, string>;
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const records: ProxyRecord[] = [];
  const hosts = new Map(Object.entries(options.hosts ?? {}).map(([name, address]) => [name.toLowerCase(), address]));
  const resolve = (hostname: string): string => hosts.get(hostname.toLowerCase()) ?? hostname;
  const sockets = new Set<Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  const allowed = (headers: IncomingHttpHeaders): boolean => expected === undefined || headers['proxy-authorization'] === expected;

  const server: Server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    const record: ProxyRecord = { kind: 'forward', method: req.method ?? '', target: target.host, headers: { ...req.headers }, status: 0 };
    records.push(record);
    if (!allowed(req.headers)) {
      record.status = 407;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="rel"', 'content-length': '0' }).end();
      req.resume();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const out = httpRequest(
      { host: resolve(target.hostname), port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (up) => {
        record.status = up.statusCode ?? 502;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.once('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connect', (req, client: Socket) => {
    const record: ProxyRecord = { kind: 'connect', method: 'CONNECT', target: req.url ?? '', headers: { ...req.headers }, status: 0 };
    records.push(record);
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!allowed(req.headers)) {
      record.status = 407;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="rel"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), resolve(host), () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
