// `models:/…` and `runs:/…` URIs, parsed as the official client parses them (mlflow.md §5, §4.1):
// `models:/<name>/<version>`, `models:/<name>/latest`, `models:/<name>/<stage>`, `models:/<name>@<alias>`, each
// optionally followed by a path inside the model; `runs:/<run id>[/<path>]`. Logged-model ids (`models:/m-…`)
// and Databricks forms (`models://profile@databricks/…`) are refused with what to give instead.
import { normaliseUserPath } from './artifact-paths.ts';

export type VersionChoice =
  | { kind: 'version'; version: string }
  | { kind: 'alias'; alias: string }
  | { kind: 'latest' }
  /** A deprecated registry stage (`Production`, `Staging`…): the newest version in it. */
  | { kind: 'stage'; stage: string };

export type ArtifactUri =
  | { kind: 'model'; uri: string; name: string; choice: VersionChoice; path: string }
  | { kind: 'run'; uri: string; runId: string; path: string };

export type ParsedUri = { ok: true; value: ArtifactUri } | { ok: false; reason: string };

const FORMS = 'models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/latest or runs:/<run id>/<path>';

export function parseArtifactUri(uri: string): ParsedUri {
  const fail = (reason: string): ParsedUri => ({ ok: false, reason: `'${uri}' ${reason}` });
  const m = /^(models|runs):(.*)$/i.exec(uri);
  if (!m) return fail(`is not a model or run URI; give ${FORMS}.`);
  const scheme = (m[1] ?? '').toLowerCase();
  const rest = m[2] ?? '';
  if (rest.startsWith('//'))
    return fail('names a Databricks profile or workspace, which this tool does not reach; give the URI without it.');
  if (!rest.startsWith('/')) return fail(`must start with ${scheme}:/ (one slash).`);
  const body = rest.replace(/\/+$/, '').slice(1);
  if (scheme === 'runs') {
    const [runId = '', ...tail] = body.split('/');
    if (runId === '') return fail('names no run: give runs:/<run id>/<artifact path>.');
    const path = normaliseUserPath(tail.join('/'));
    if (!path.ok) return fail(`has an artifact path that ${path.reason}.`);
    return { ok: true, value: { kind: 'run', uri, runId, path: path.path } };
  }
  const parts = body.split('/');
  const first = parts[0] ?? '';
  if (first === '') return fail(`names no model; give ${FORMS}.`);
  let name: string;
  let choice: VersionChoice;
  let pathStart: number;
  const at = first.indexOf('@');
  if (at >= 0) {
    name = first.slice(0, at);
    const alias = first.slice(at + 1);
    if (name === '' || alias === '') return fail('needs both a model name and an alias: models:/<name>@<alias>.');
    choice = { kind: 'alias', alias };
    pathStart = 1;
  } else {
    name = first;
    const second = parts[1] ?? '';
    if (second === '') {
      return fail(
        `names no version. Give models:/${name}/<version>, models:/${name}@<alias> or models:/${name}/latest (logged-model ids, models:/m-…, are not supported).`,
      );
    }
    if (/^\d+$/.test(second)) choice = { kind: 'version', version: String(Number(second)) };
    else if (second.toLowerCase() === 'latest') choice = { kind: 'latest' };
    else choice = { kind: 'stage', stage: second };
    pathStart = 2;
  }
  const path = normaliseUserPath(parts.slice(pathStart).join('/'));
  if (!path.ok) return fail(`has a path inside the model that ${path.reason}.`);
  return { ok: true, value: { kind: 'model', uri, name, choice, path: path.path } };
}

/** `models:/name/3`, `models:/name@champion`: the URI of the version choice, without the path. */
export function describeChoice(name: string, choice: VersionChoice): string {
  switch (choice.kind) {
    case 'version':
      return `models:/${name}/${choice.version}`;
    case 'alias':
      return `models:/${name}@${choice.alias}`;
    case 'latest':
      return `models:/${name}/latest`;
    case 'stage':
      return `models:/${name}/${choice.stage}`;
  }
}
