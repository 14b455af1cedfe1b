// Artifact versions by name, as `api.artifact("entity/project/collection:alias")` parses them
// (wandb-artifacts.md §2.1): split once on the FIRST `:` (an alias may contain `/`), the left part on `/` into
// collection | project/collection | entity/project/collection. What follows the `:` is a version (`v7`) or an
// alias (`best`, `latest`); without it the collection's `latest` (or the versions `artifact-versions` asks for).
import { InputError } from '../../../core/errors.ts';
import { WandbInputs as Inputs } from '../inputs.ts';

export interface ArtifactName {
  /** null: the `project` input's entity, else the API key's default entity (§2.1). */
  entity: string | null;
  /** null: the `project` input's project. */
  project: string | null;
  collection: string;
  /** `v7`, `best`, `latest`…; null when the line names the collection alone. */
  version: string | null;
  /** The line as the user wrote it, for messages and the manifest. */
  asGiven: string;
}

/** `v<digits>`: a version, not an alias (wandb-artifacts.md §2.4: the one version alias). */
export const VERSION_ALIAS = /^v\d+$/;

export function parseArtifactName(line: string): ArtifactName {
  const colon = line.indexOf(':');
  const left = colon < 0 ? line : line.slice(0, colon);
  const version = colon < 0 ? null : line.slice(colon + 1);
  if (version !== null && version.trim() === '') {
    throw new InputError(Inputs.artifacts, `'${line}' names no version or alias after ':'; write e.g. '${left}:latest' or '${left}:v3'.`);
  }
  if (version !== null && version !== version.trim()) {
    throw new InputError(Inputs.artifacts, `'${line}' has spaces around its alias.`);
  }
  const parts = left.split('/');
  if (parts.length > 3 || parts.some((p) => p.trim() === '' || p !== p.trim())) {
    throw new InputError(
      Inputs.artifacts,
      `'${line}' is not an artifact name: write [entity/project/]collection[:alias or :vN], e.g. my-team/seabird/model:best.`,
    );
  }
  const collection = parts.at(-1) as string;
  return {
    entity: parts.length === 3 ? (parts[0] as string) : null,
    project: parts.length >= 2 ? (parts.at(-2) as string) : null,
    collection,
    version,
    asGiven: line,
  };
}

/** One name per line (blank lines dropped, duplicates once); `regex:` is not an artifact name. */
export function readArtifactNames(value: string): ArtifactName[] {
  if (value.startsWith('regex:')) {
    throw new InputError(
      Inputs.artifacts,
      'takes artifact names, not a regex; to take every collection of a type use artifact-type, and for all versions artifact-versions: all.',
    );
  }
  const lines = [
    ...new Set(
      value
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    ),
  ];
  return lines.map(parseArtifactName);
}

/** `collection:version` as the server takes it in `ArtifactMembershipByName`/`ArtifactByName` (§2.3). */
export function nameWithVersion(collection: string, version: string): string {
  return `${collection}:${version}`;
}
