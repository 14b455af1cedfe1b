// Where a version's entries go. `Artifact.download()` writes to `<root>/<source collection>:v<N>/<entry path>`
// (wandb-artifacts.md §5.5: the collection and version the artifact was logged as, not the alias asked for), and
// on Windows it writes `-` for the `:`. Windows refuses `:` in names and the workflow-artifact service refuses it
// in paths, so this action always uses the Windows form, `<collection>-v<N>`: the same path on every runner, so
// shards and uploaded artifacts agree. The manifest's container keeps the name W&B shows, `<collection>:v<N>`.
import type { VersionToFetch } from './version-resolver.ts';

export interface ArtifactFolder {
  /** `model:v7`: the manifest's container. */
  container: string;
  /** `model-v7`: the first folder level under the destination. */
  folder: string;
}

export function artifactFolder(version: VersionToFetch): ArtifactFolder {
  const { sequence, versionIndex } = version.artifact;
  const collection = sequence?.collection ?? version.ref.path.collection;
  const v = sequence !== null && versionIndex !== null ? `v${versionIndex}` : version.ref.version;
  return { container: `${collection}:${v}`, folder: `${collection}-${v}` };
}
