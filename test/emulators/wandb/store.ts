// The W&B fixture as the emulator serves it: projects, runs and files with stable ids, generated files
// expanded, and every blob registered with the storage signer once, at start.
import { contentMd5Base64, contentSize } from '../common/content.ts';
import type { BlobSigner, Content, WandbFixture, WandbRun } from '../common/contracts.ts';
import { addCollections, emptyArtifactIndex, type ArtifactBuild, type ArtifactIndex, type HttpReference } from './artifact-store.ts';
import { unwrapConfigValue, type FilterableRun } from './run-filters.ts';

export interface FileRecord {
  /** Global, increasing in list order: the File id (`File:<seq>`) and the keyset of the files cursor. */
  seq: number;
  name: string;
  /** Storage key: `<entity>/<project>/<run>/<name>`. */
  key: string;
  content: Content;
  mimetype: string;
  sizeBytes: number;
  /** The fixture's override, if any; otherwise computed from the bytes on first use. */
  md5Override?: string;
  updatedAt: string;
}

export interface RunRecord {
  project: ProjectRecord;
  run: WandbRun;
  filterable: FilterableRun;
  files: FileRecord[];
  byName: Map<string, FileRecord>;
}

export interface ProjectRecord {
  internalId: number;
  entity: string;
  name: string;
  runs: RunRecord[];
  byId: Map<string, RunRecord>;
}

export interface WandbStore {
  apiKey: string;
  viewerEntity: string;
  /** Keyed `entity/project`. */
  projects: Map<string, ProjectRecord>;
  /** Every entity that owns a project, the viewer's first. */
  entities: string[];
  /** Artifact collections, versions, blobs (artifact-store.ts). */
  artifacts: ArtifactIndex;
  /** The http references the reference host serves. */
  references: HttpReference[];
}

export function projectKey(entity: string, name: string): string {
  return `${entity}/${name}`;
}

export function md5Of(file: FileRecord): string {
  return file.md5Override ?? contentMd5Base64(file.content, file.key);
}

/**
 * Generated files are named `<prefix><i>` with `i` zero-padded to the width of the largest index, so their
 * list order is also their name order; each has its own deterministic bytes (seeded by its storage key).
 */
function generated(run: WandbRun): WandbRun['files'] {
  const g = run.generatedFiles;
  if (!g) return [];
  const width = String(Math.max(0, g.count - 1)).length;
  return Array.from({ length: g.count }, (_, i) => ({
    name: `${g.prefix}${String(i).padStart(width, '0')}`,
    content: { generate: { size: g.size } },
    mimetype: g.mimetype,
  }));
}

/** `referenceOrigin`: where the reference host serves http references (`ref` URLs in manifests). */
export async function buildStore(fixture: WandbFixture, signer: BlobSigner, referenceOrigin = ''): Promise<WandbStore> {
  const store: WandbStore = {
    apiKey: fixture.apiKey,
    viewerEntity: fixture.viewerEntity,
    projects: new Map(),
    entities: [fixture.viewerEntity],
    artifacts: emptyArtifactIndex(),
    references: [],
  };
  let seq = 0;
  let internalId = 0;
  let artifactSeq = 0;
  const artifacts: ArtifactBuild = {
    index: store.artifacts,
    signer,
    references: store.references,
    referenceOrigin,
    nextSeq: () => (artifactSeq += 1),
  };
  for (const p of fixture.projects) {
    const project: ProjectRecord = { internalId: (internalId += 1), entity: p.entity, name: p.name, runs: [], byId: new Map() };
    if (store.projects.has(projectKey(p.entity, p.name))) throw new Error(`fixture: project ${p.entity}/${p.name} twice`);
    store.projects.set(projectKey(p.entity, p.name), project);
    if (!store.entities.includes(p.entity)) store.entities.push(p.entity);
    for (const run of p.runs) {
      if (project.byId.has(run.id)) throw new Error(`fixture: run ${run.id} twice in ${p.entity}/${p.name}`);
      const record: RunRecord = { project, run, filterable: filterableOf(run, fixture.viewerEntity), files: [], byName: new Map() };
      for (const f of [...run.files, ...generated(run)]) {
        if (record.byName.has(f.name)) throw new Error(`fixture: file ${f.name} twice in run ${run.id}`);
        const key = `${p.entity}/${p.name}/${run.id}/${f.name}`;
        const file: FileRecord = {
          seq: (seq += 1),
          name: f.name,
          key,
          content: f.content,
          mimetype: f.mimetype ?? 'application/octet-stream',
          sizeBytes: f.sizeBytes ?? contentSize(f.content),
          updatedAt: run.createdAt,
        };
        if (f.md5 !== undefined) file.md5Override = f.md5;
        await signer.put(key, f.content, 'wandb');
        record.files.push(file);
        record.byName.set(f.name, file);
      }
      project.runs.push(record);
      project.byId.set(run.id, record);
    }
    await addCollections(artifacts, p.entity, p.name, p.artifacts ?? [], p.runs[0]?.createdAt ?? '2024-01-01T00:00:00');
  }
  return store;
}

function filterableOf(run: WandbRun, username: string): FilterableRun {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(run.config ?? {})) config[k] = unwrapConfigValue(v);
  return {
    id: run.id,
    displayName: run.displayName,
    state: run.state,
    createdAt: run.createdAt,
    tags: run.tags ?? [],
    group: run.group ?? null,
    jobType: run.jobType ?? null,
    username,
    config,
    summary: run.summary ?? {},
  };
}
