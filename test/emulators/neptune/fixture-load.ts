// Turns the declarative fixture into the store: validates it, assigns storage paths, expands generated
// benchmark runs and registers every blob with the signer so the storage endpoint can serve it.
import { createHash } from 'node:crypto';
import { contentSize } from '../common/content.ts';
import type { BlobSigner, Content, NeptuneAttribute, NeptuneFixture, NeptuneProject, NeptuneRun } from '../common/contracts.ts';
import { parseIsoMillis } from './iso-time.ts';
import {
  NeptuneStore,
  type GeneratedAttribute,
  type StoredAttribute,
  type StoredFile,
  type StoredProject,
  type StoredRun,
} from './store.ts';

/** Puts in flight at once: Azure blobs are uploads to Azurite, so 100,000 sequential ones would be slow. */
const PUT_CONCURRENCY = 16;
/** Generated runs start here, one second apart, so their order is the creation order. */
const GENERATED_EPOCH = Date.UTC(2024, 0, 1);
const NO_TAGS: readonly string[] = Object.freeze([]);

interface Blob {
  path: string;
  content: Content;
}

/**
 * The default storage path `<ws>/<proj>/<sysId>/<attribute>[/<step>]/<stable name>`. The real format is unknown
 * (neptune.md §13) and the client treats it as opaque (§6.5); the hashed last segment keeps anyone from
 * deriving local names from it, as the client must not.
 */
export function defaultStoragePath(projectId: string, sysId: string, attribute: string, step?: number): string {
  const where = `${projectId}/${sysId}/${attribute}${step === undefined ? '' : `/${step}`}`;
  const name = createHash('sha256').update(where).digest('hex').slice(0, 20);
  return `${where}/${name}`;
}

function isoMillis(text: string, what: string): number {
  const millis = parseIsoMillis(text);
  if (millis === undefined) throw new Error(`neptune fixture: ${what}: not an ISO date/time: ${text}`);
  return millis;
}

function convertAttribute(projectId: string, run: NeptuneRun, name: string, a: NeptuneAttribute, blobs: Blob[]): StoredAttribute {
  const file = (v: { content: Content; mimeType: string; path?: string }, step?: number): StoredFile => {
    const path = v.path ?? defaultStoragePath(projectId, run.sysId, name, step);
    blobs.push({ path, content: v.content });
    return { path, sizeBytes: contentSize(v.content), mimeType: v.mimeType };
  };
  const base = isoMillis(run.creationTime, `${run.sysId} creationTime`);
  switch (a.type) {
    case 'string':
      return { type: 'string', value: a.value };
    case 'int':
      return { type: 'int', value: a.value };
    case 'float':
      return { type: 'float', value: a.value };
    case 'bool':
      return { type: 'bool', value: a.value };
    case 'datetime':
      return { type: 'datetime', millis: isoMillis(a.value, `${run.sysId} ${name}`) };
    case 'stringSet':
      return { type: 'stringSet', value: [...a.value] };
    case 'floatSeries':
      return { type: 'floatSeries', points: [...a.points].sort((x, y) => x.step - y.step) };
    case 'fileRef':
      return { type: 'fileRef', file: file(a) };
    case 'fileRefSeries': {
      const sorted = [...a.points].sort((x, y) => x.step - y.step);
      // Default timestamps: one second per point after the run's creation (deterministic, increasing).
      const points = sorted.map((p, i) => ({ step: p.step, timestampMillis: p.timestampMillis ?? base + i * 1000, file: file(p, p.step) }));
      return { type: 'fileRefSeries', points };
    }
  }
}

/**
 * Heads (neptune.md §4.1 `experimentLeader`, §13: the server decides): explicit `isHead` flags when any run of
 * the experiment has one, else the newest run, preferring runs that are not trashed so an experiment does not
 * vanish from the experiments API because its newest run was trashed.
 */
function headsOf(runs: readonly NeptuneRun[], creation: readonly number[]): boolean[] {
  const heads = runs.map(() => false);
  const groups = new Map<string, number[]>();
  runs.forEach((r, i) => {
    const group = groups.get(r.experimentName);
    if (group) group.push(i);
    else groups.set(r.experimentName, [i]);
  });
  for (const group of groups.values()) {
    if (group.some((i) => runs[i]?.isHead !== undefined)) {
      for (const i of group) heads[i] = runs[i]?.isHead === true;
      continue;
    }
    const newest = (candidates: number[]): number | undefined =>
      candidates.reduce<number | undefined>(
        (best, i) => (best === undefined || (creation[i] ?? 0) >= (creation[best] ?? 0) ? i : best),
        undefined,
      );
    const live = group.filter((i) => runs[i]?.trashed !== true);
    const head = newest(live.length > 0 ? live : group);
    if (head !== undefined) heads[head] = true;
  }
  return heads;
}

function loadProject(p: NeptuneProject, inaccessible: boolean, blobs: Blob[]): StoredProject {
  const slash = p.id.indexOf('/');
  if (slash <= 0 || slash === p.id.length - 1 || p.id.indexOf('/', slash + 1) !== -1) {
    throw new Error(`neptune fixture: project id must be workspace/project: ${p.id}`);
  }
  const creation = p.runs.map((r) => isoMillis(r.creationTime, `${r.sysId} creationTime`));
  const heads = headsOf(p.runs, creation);
  const runs: StoredRun[] = p.runs.map((r, index) => ({
    index,
    sysId: r.sysId,
    customRunId: r.customRunId,
    experimentName: r.experimentName,
    creationMillis: creation[index] ?? 0,
    tags: [...(r.tags ?? [])],
    failed: r.failed === true,
    trashed: r.trashed === true,
    isHead: heads[index] === true,
    own: new Map(Object.entries(r.attributes).map(([name, a]) => [name, convertAttribute(p.id, r, name, a, blobs)])),
  }));
  const gen = p.generatedRuns;
  if (gen) {
    const generated: GeneratedAttribute = {
      name: gen.attribute,
      sizeBytes: gen.fileSize,
      mimeType: gen.mimeType,
      pathOf: (sysId) => defaultStoragePath(p.id, sysId, gen.attribute),
    };
    // One shared Content: generated bytes are seeded by the blob key, so every blob still differs.
    const content: Content = { generate: { size: gen.fileSize } };
    for (let i = 1; i <= gen.count; i += 1) {
      // Each generated run heads its own experiment, so both APIs list `count` entries.
      const sysId = `${gen.prefix}-${i}`;
      runs.push({
        index: runs.length,
        sysId,
        customRunId: `${gen.prefix}-run-${i}`,
        experimentName: `${gen.prefix}-exp-${i}`,
        creationMillis: GENERATED_EPOCH + i * 1000,
        tags: NO_TAGS,
        failed: false,
        trashed: false,
        isHead: true,
        own: generated,
      });
      blobs.push({ path: generated.pathOf(sysId), content });
    }
  }
  const bySysId = new Map<string, StoredRun>();
  for (const run of runs) {
    if (bySysId.has(run.sysId)) throw new Error(`neptune fixture: duplicate sys/id ${run.sysId} in ${p.id}`);
    bySysId.set(run.sysId, run);
  }
  return { id: p.id, workspace: p.id.slice(0, slash), name: p.id.slice(slash + 1), provider: p.provider, inaccessible, runs, bySysId };
}

/** Builds the store and registers every blob (bounded concurrency) under its storage path. */
export async function loadFixture(fixture: NeptuneFixture, signer: BlobSigner, inaccessible: ReadonlySet<string>): Promise<NeptuneStore> {
  const seen = new Set<string>();
  const projects: StoredProject[] = [];
  const puts: (() => Promise<void>)[] = [];
  for (const p of fixture.projects) {
    if (seen.has(p.id)) throw new Error(`neptune fixture: duplicate project ${p.id}`);
    seen.add(p.id);
    const blobs: Blob[] = [];
    projects.push(loadProject(p, inaccessible.has(p.id), blobs));
    for (const b of blobs) puts.push(() => signer.put(b.path, b.content, p.provider));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < puts.length) {
      const put = puts[next];
      next += 1;
      if (put) await put();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, puts.length) }, worker));
  return new NeptuneStore(projects);
}
