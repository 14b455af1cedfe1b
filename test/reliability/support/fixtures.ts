// Small fixtures for the reliability suite, and the index that says which bytes each manifest record must have
// on disk. Every experiment holds exactly one run (its head), so a manifest container (experiment name or
// custom run id) names one run without doubt.
import type {
  Content,
  MlflowFixture,
  MlflowRun,
  NeptuneAttribute,
  NeptuneFixture,
  NeptuneRun,
  StorageProvider,
  WandbArtifactEntry,
  WandbFile,
  WandbFixture,
} from '../../emulators/common/contracts.ts';
import { servedEntryContent, versionEntries } from '../../emulators/wandb/artifact-store.ts';
import { defaultStoragePath } from '../../emulators/neptune/fixture-load.ts';

export const REL_NEPTUNE_API_KEY = 'rel-neptune-secret-7d1e5b3a9c2f4e6a8b0d';
/** `local-` and 40 characters: a key shape the official client accepts for a local server. */
export const REL_WANDB_API_KEY = 'local-3b8e1d7c5a9f2e4b6d0c8a1f3e5d7b9c2a4f6e8d';
export const REL_WANDB_ENTITY = 'rel-team';
export const REL_MLFLOW_USER = 'rel-bot';
export const REL_MLFLOW_PASSWORD = 'rel-mlflow-pw-5c2e8a1f9d';

const text = (s: string): Content => ({ text: s });
const bytes = (size: number, seed: string): Content => ({ generate: { size, seed } });
const CREATED = '2024-06-01T08:00:00.000Z';

export interface NeptuneOptions {
  provider: StorageProvider;
  /** `workspace/project`; default `rel/<provider>`. */
  project?: string;
  /** Experiments (one run each); default 3. */
  experiments?: number;
  /** Adds `artifacts/lost.bin`, listed but absent from storage, to the first experiment. */
  missing?: boolean;
  /** Adds `model/big.bin` of this many bytes to the first experiment. */
  bigBytes?: number;
  /** Extra runs appended as they are. */
  extraRuns?: NeptuneRun[];
  generatedRuns?: NonNullable<NeptuneFixture['projects'][number]['generatedRuns']>;
  accessTokenTtlSeconds?: number;
}

/**
 * Per experiment: a JSON file, two binary files (20 KiB and 150 KiB, so a fault after 1 KiB cuts a body in the
 * middle) and a three-point file series: 6 files each.
 */
export const FILES_PER_EXPERIMENT = 6;

function experimentAttributes(seed: string): Record<string, NeptuneAttribute> {
  return {
    'config/params.json': { type: 'fileRef', mimeType: 'application/json', content: text(`{"seed": "${seed}"}`) },
    'model/weights.bin': { type: 'fileRef', mimeType: 'application/octet-stream', content: bytes(20 * 1024, `${seed}/w`) },
    'model/checkpoint': { type: 'fileRef', mimeType: 'application/octet-stream', content: bytes(150 * 1024 + 7, `${seed}/c`) },
    samples: {
      type: 'fileRefSeries',
      points: [0, 1, 2].map((step) => ({ step, mimeType: 'image/png', content: bytes(3000 + step, `${seed}/s${step}`) })),
    },
  };
}

export function neptuneFixture(o: NeptuneOptions): NeptuneFixture {
  const project = o.project ?? `rel/${o.provider}`;
  const runs: NeptuneRun[] = [];
  for (let i = 1; i <= (o.experiments ?? 3); i += 1) {
    const attributes = experimentAttributes(`${project}/${i}`);
    if (i === 1 && o.missing) {
      attributes['artifacts/lost.bin'] = { type: 'fileRef', mimeType: 'application/octet-stream', content: { missing: true, size: 4096 } };
    }
    if (i === 1 && o.bigBytes !== undefined) {
      attributes['model/big.bin'] = { type: 'fileRef', mimeType: 'application/octet-stream', content: bytes(o.bigBytes, `${project}/big`) };
    }
    runs.push({
      sysId: `REL-${i}`,
      customRunId: `rel-run-${i}`,
      experimentName: `rel-exp-${i}`,
      creationTime: CREATED,
      attributes,
    });
  }
  runs.push(...(o.extraRuns ?? []));
  const fixture: NeptuneFixture = {
    apiKey: REL_NEPTUNE_API_KEY,
    projects: [{ id: project, provider: o.provider, runs, ...(o.generatedRuns ? { generatedRuns: o.generatedRuns } : {}) }],
  };
  if (o.accessTokenTtlSeconds !== undefined) fixture.accessTokenTtlSeconds = o.accessTokenTtlSeconds;
  return fixture;
}

export interface WandbOptions {
  project?: string;
  runs?: number;
  missing?: boolean;
  /** Generated files in the first run (soak). */
  generatedFiles?: { count: number; size: number };
  extraFiles?: WandbFile[];
}

export function wandbFixture(o: WandbOptions = {}): WandbFixture {
  const runs = Array.from({ length: o.runs ?? 2 }, (_, r) => {
    const id = `relrun0${r + 1}`;
    const files: WandbFile[] = [
      { name: 'config.yaml', content: text(`lr: 0.00${r + 1}\n`), mimetype: 'application/x-yaml' },
      { name: 'model.ckpt', content: bytes(150 * 1024 + r, `${id}/ckpt`), mimetype: 'application/octet-stream' },
      { name: 'media/images/a.png', content: bytes(20 * 1024, `${id}/a`), mimetype: 'image/png' },
      { name: 'media/images/b.png', content: bytes(3000, `${id}/b`), mimetype: 'image/png' },
    ];
    if (r === 0 && o.missing)
      files.push({ name: 'broken/lost.bin', content: { missing: true, size: 2048 }, mimetype: 'application/octet-stream' });
    if (r === 0) files.push(...(o.extraFiles ?? []));
    return {
      id,
      displayName: `rel ${r + 1}`,
      state: 'finished' as const,
      createdAt: new Date(Date.UTC(2024, 5, 1, r)).toISOString(),
      files,
      ...(r === 0 && o.generatedFiles
        ? {
            generatedFiles: {
              count: o.generatedFiles.count,
              prefix: 'gen/f',
              size: o.generatedFiles.size,
              mimetype: 'application/octet-stream',
            },
          }
        : {}),
    };
  });
  return {
    apiKey: REL_WANDB_API_KEY,
    viewerEntity: REL_WANDB_ENTITY,
    projects: [{ entity: REL_WANDB_ENTITY, name: o.project ?? 'rel', runs }],
  };
}

export interface MlflowOptions {
  runs?: number;
  /** Adds `lost/weights.bin` to the first run: listed with its size, but the store has no bytes (500 on download). */
  missing?: boolean;
  /** Basic authentication in front of the server (the built-in app). */
  basic?: boolean;
  /** Where the runs' artifacts live (default: the proxied service). */
  store?: MlflowRun['store'];
  /** Names the first run's root listing returns besides its files (hostile or broken server). */
  listedOnly?: MlflowRun['listedOnly'];
  extraArtifacts?: MlflowRun['artifacts'];
  generatedArtifacts?: MlflowRun['generatedArtifacts'];
}

/** The hex run id of reliability run `i` (1-based). */
export const relMlflowRunId = (i: number): string => `0e1a${String(i).padStart(28, '0')}`;

/**
 * One experiment `rel` with `runs` runs (default 2), each with a JSON file, a 150 KiB model in a folder, two
 * images and an empty log: the same shapes as the other trackers' fixtures, plus a 0-byte file (no `file_size`).
 */
export function mlflowFixture(o: MlflowOptions = {}): MlflowFixture {
  const runs: MlflowRun[] = Array.from({ length: o.runs ?? 2 }, (_, r) => {
    const runId = relMlflowRunId(r + 1);
    const artifacts: MlflowRun['artifacts'] = [
      { path: 'config.json', content: text(`{"lr": 0.00${r + 1}}`) },
      { path: 'model/model.pkl', content: bytes(150 * 1024 + r, `${runId}/model`) },
      { path: 'plots/a.png', content: bytes(20 * 1024, `${runId}/a`) },
      { path: 'plots/b.png', content: bytes(3000, `${runId}/b`) },
      { path: 'logs/empty.log', content: text('') },
    ];
    if (r === 0 && o.missing) artifacts.push({ path: 'lost/weights.bin', content: { missing: true, size: 4096 } });
    if (r === 0) artifacts.push(...(o.extraArtifacts ?? []));
    return {
      runId,
      runName: `rel-${r + 1}`,
      experimentId: '1',
      status: 'FINISHED',
      startTime: Date.UTC(2024, 5, 1, r),
      artifacts,
      ...(o.store ? { store: o.store } : {}),
      ...(r === 0 && o.listedOnly ? { listedOnly: o.listedOnly } : {}),
      ...(r === 0 && o.generatedArtifacts ? { generatedArtifacts: o.generatedArtifacts } : {}),
    };
  });
  return {
    experiments: [{ experimentId: '1', name: 'rel', creationTime: Date.UTC(2024, 5, 1) }],
    runs,
    ...(o.basic ? { auth: { basic: [{ username: REL_MLFLOW_USER, password: REL_MLFLOW_PASSWORD }] } } : {}),
  };
}

// ---------------------------------------------------------------- what each manifest record must hold

export interface ExpectedBlob {
  content: Content;
  /** The storage key, which seeds generated content without its own seed. */
  key: string;
}

export const identity = (container: string, attribute: string, step: number | null | undefined): string =>
  `${container}\u0000${attribute}\u0000${step ?? ''}`;

/** Every file of a Neptune project by (experiment name | custom run id, attribute, step). */
export function neptuneIndex(fixture: NeptuneFixture, projectId?: string): Map<string, ExpectedBlob> {
  const index = new Map<string, ExpectedBlob>();
  for (const p of fixture.projects) {
    if (projectId !== undefined && p.id !== projectId) continue;
    for (const run of p.runs) {
      for (const [name, a] of Object.entries(run.attributes)) {
        const put = (content: Content, key: string, step?: number): void => {
          for (const container of [run.experimentName, run.customRunId]) index.set(identity(container, name, step), { content, key });
        };
        if (a.type === 'fileRef') put(a.content, a.path ?? defaultStoragePath(p.id, run.sysId, name), undefined);
        if (a.type === 'fileRefSeries') {
          for (const point of a.points) put(point.content, point.path ?? defaultStoragePath(p.id, run.sysId, name, point.step), point.step);
        }
      }
    }
    const g = p.generatedRuns;
    for (let i = 1; g !== undefined && i <= g.count; i += 1) {
      const sysId = `${g.prefix}-${i}`;
      const blob = { content: { generate: { size: g.fileSize } }, key: defaultStoragePath(p.id, sysId, g.attribute) };
      index.set(identity(`${g.prefix}-exp-${i}`, g.attribute, undefined), blob);
      index.set(identity(`${g.prefix}-run-${i}`, g.attribute, undefined), blob);
    }
  }
  return index;
}

/** Every file of a W&B fixture by (run id, file name). */
export function wandbIndex(fixture: WandbFixture): Map<string, ExpectedBlob> {
  const index = new Map<string, ExpectedBlob>();
  for (const p of fixture.projects) {
    for (const run of p.runs) {
      const files = [...run.files];
      const g = run.generatedFiles;
      if (g) {
        const width = String(Math.max(0, g.count - 1)).length;
        for (let i = 0; i < g.count; i += 1)
          files.push({ name: `${g.prefix}${String(i).padStart(width, '0')}`, content: { generate: { size: g.size } } });
      }
      for (const f of files)
        index.set(identity(run.id, f.name, undefined), { content: f.content, key: `${p.entity}/${p.name}/${run.id}/${f.name}` });
    }
  }
  return index;
}

/** Every artifact of an MLflow fixture by (run id, run-relative path). */
export function mlflowIndex(fixture: MlflowFixture): Map<string, ExpectedBlob> {
  const index = new Map<string, ExpectedBlob>();
  for (const run of fixture.runs) {
    const artifacts = [...run.artifacts];
    const g = run.generatedArtifacts;
    if (g) {
      const width = String(Math.max(0, g.count - 1)).length;
      for (let i = 0; i < g.count; i += 1)
        artifacts.push({ path: `${g.prefix}${String(i).padStart(width, '0')}`, content: { generate: { size: g.size } } });
    }
    for (const a of artifacts)
      index.set(identity(run.runId, a.path, undefined), { content: a.content, key: `mlflow/${run.runId}/${a.path}` });
  }
  return index;
}

// ---------------------------------------------------------------- W&B artifacts

export const REL_ARTIFACT = 'rel-model';
export const REL_ARTIFACT_PROJECT = `${REL_WANDB_ENTITY}/rel-artifacts`;
/** Per version: a JSON file, two binary entries (20 KiB and 150 KiB), a shared vocabulary and an http reference. */
export const ENTRIES_PER_VERSION = 5;

export interface ArtifactOptions {
  /** Versions of `rel-model` (default 2). */
  versions?: number;
  /** Adds `lost.bin`, listed in the manifest, absent from storage, to the newest version. */
  missing?: boolean;
}

/** One project with the collection `rel-model`; the newest version is `latest`. */
export function wandbArtifactFixture(o: ArtifactOptions = {}): WandbFixture {
  const versions = Array.from({ length: o.versions ?? 2 }, (_, v) => {
    const entries: WandbArtifactEntry[] = [
      { path: 'config.json', content: text(`{"version": ${v}}`) },
      { path: 'weights/small.bin', content: bytes(20 * 1024, `rel-artifact/${v}/small`) },
      { path: 'weights/large.bin', content: bytes(150 * 1024 + v, `rel-artifact/${v}/large`) },
      // The same bytes in every version: one blob.
      { path: 'vocab.txt', content: text('a\nb\nc\n'.repeat(500)) },
      { path: 'labels.csv', ref: { http: `rel/labels-${v}.csv`, content: bytes(8 * 1024, `rel-artifact/${v}/labels`) } },
    ];
    if (o.missing && v === (o.versions ?? 2) - 1) entries.push({ path: 'lost.bin', content: { missing: true, size: 2048 } });
    return { entries };
  });
  const [entity, name] = REL_ARTIFACT_PROJECT.split('/') as [string, string];
  return {
    apiKey: REL_WANDB_API_KEY,
    viewerEntity: REL_WANDB_ENTITY,
    projects: [{ entity, name, runs: [], artifacts: [{ name: REL_ARTIFACT, type: 'model', versions }] }],
  };
}

/** Every entry the emulator serves, by (`<collection>:v<N>`, entry path). */
export function wandbArtifactIndex(fixture: WandbFixture): Map<string, ExpectedBlob> {
  const index = new Map<string, ExpectedBlob>();
  for (const p of fixture.projects) {
    for (const c of p.artifacts ?? []) {
      for (const [v, version] of c.versions.entries()) {
        for (const entry of versionEntries(version)) {
          const content = servedEntryContent(p.entity, p.name, c.name, entry);
          if (content !== undefined) index.set(identity(`${c.name}:v${v}`, entry.path, undefined), { content, key: entry.path });
        }
      }
    }
  }
  return index;
}
