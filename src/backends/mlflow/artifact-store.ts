// Where a run's (or a model version's) artifacts are and how this tool reaches them, from the artifact URI the
// server gives (mlflow.md §3.4):
// - `mlflow-artifacts:` and `http(s)` URIs with `/mlflow-artifacts/artifacts`: the proxied artifact service
//   (§3.2), on the tracking server (or the host the URI names, which gets no credentials unless it is the
//   tracking server's origin);
// - any other scheme of a run (`s3:`, `gs:`, `wasbs:`, `file:`…): what the tracking server mediates with its own
//   access to the store (§3.1 listing; §3.3 `/get-artifact` or a presigned URL, §3.2, for the bytes);
// - anything else cannot be reached without the store's own credentials, and says so.
import { joinPath, pathParts } from './artifact-paths.ts';
import type { TrackingServer } from './tracking-server.ts';

export const PROXIED_ANCHOR = '/mlflow-artifacts/artifacts';
const PROXIED_API = `/api/2.0${PROXIED_ANCHOR}`;

export type ArtifactStore =
  | {
      kind: 'proxied';
      /** `…/api/2.0/mlflow-artifacts/artifacts`: the listing URL, and the prefix of every download URL. */
      base: string;
      /** Path of the root below the service, e.g. `1/<run id>/artifacts/model`. */
      root: string;
      /** The base is on the tracking server's origin, so it gets the credentials. */
      credentials: boolean;
    }
  | {
      kind: 'run-scoped';
      runId: string;
      /** Run-relative path of the root (`''`: the run's whole artifact folder). */
      root: string;
      /** The run's artifact URI, for messages. */
      uri: string;
    }
  | { kind: 'unreachable'; uri: string; reason: string };

function schemeOf(uri: string): string {
  return /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() ?? '';
}

/**
 * The store of an artifact URI. `runId` is the run it belongs to, when known: a URI in another store is then
 * reachable through the run-scoped routes, at `runRoot`, the path of the URI inside that run's artifacts.
 */
export function storeOf(uri: string, server: TrackingServer, run?: { runId: string; runRoot: string }): ArtifactStore {
  const scheme = schemeOf(uri);
  if (scheme === 'mlflow-artifacts') return proxiedStore(uri, server);
  if (scheme === 'http' || scheme === 'https') {
    const at = uri.indexOf(PROXIED_ANCHOR);
    if (at < 0) {
      return {
        kind: 'unreachable',
        uri,
        reason: `the artifact URI '${uri}' is http(s) but not an MLflow artifact service address (it has no '${PROXIED_ANCHOR}')`,
      };
    }
    const base = `${uri.slice(0, at)}${PROXIED_ANCHOR}`;
    return {
      kind: 'proxied',
      base,
      root: pathParts(uri.slice(at + PROXIED_ANCHOR.length)).join('/'),
      credentials: new URL(base).origin === server.origin,
    };
  }
  if (run !== undefined) return { kind: 'run-scoped', runId: run.runId, root: run.runRoot, uri };
  return {
    kind: 'unreachable',
    uri,
    reason: `the files are in '${uri}', which only the store's own client can read, and they belong to no run the tracking server could serve them for`,
  };
}

/**
 * §3.4: scheme and host of the tracking URI (a host written in the URI wins), path = the tracking URI's path +
 * `/api/2.0/mlflow-artifacts/artifacts/` + the URI's path, repeated `/` collapsed.
 */
function proxiedStore(uri: string, server: TrackingServer): ArtifactStore {
  const tracking = new URL(server.uri);
  const m = /^mlflow-artifacts:(\/\/([^/]*))?(.*)$/i.exec(uri);
  const host = m?.[2] ?? '';
  const uriPath = m?.[3] ?? '';
  const origin = host === '' ? tracking.origin : `${tracking.protocol}//${host}`;
  const base = `${origin}${`${tracking.pathname}${PROXIED_API}`.replace(/\/\/+/g, '/')}`;
  return { kind: 'proxied', base, root: pathParts(uriPath).join('/'), credentials: new URL(base).origin === server.origin };
}

/** The same store, rooted at `sub` below its root (a model's folder inside a run, a path inside a model). */
export function descend(store: ArtifactStore, sub: string): ArtifactStore {
  if (sub === '' || store.kind === 'unreachable') return store;
  return { ...store, root: joinPath(store.root, sub) };
}

/** The run-relative path of `uri` when it lies inside the run's artifact URI, else undefined. */
export function pathInsideRun(uri: string, runArtifactUri: string): string | undefined {
  const root = runArtifactUri.replace(/\/+$/, '');
  if (uri === root) return '';
  if (root !== '' && uri.startsWith(`${root}/`)) return pathParts(uri.slice(root.length + 1)).join('/');
  return undefined;
}
