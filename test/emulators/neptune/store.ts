// The emulator's read-only view of a Neptune fixture: runs indexed by project and sys/id, attribute lookup
// (generated sys/* attributes included) and the run orders the search endpoint starts from. Building the
// store (storage paths, blob registration, generated benchmark runs) lives in fixture-load.ts.
import type { StorageProvider } from '../common/contracts.ts';

/** A file value as the API reports it (neptune.md §6.4 ProtoFileRef; the path is opaque to the client, §6.5). */
export interface StoredFile {
  path: string;
  sizeBytes: number;
  mimeType: string;
}

export interface StoredPoint {
  step: number;
  timestampMillis: number;
  file: StoredFile;
}

/** One attribute value; `type` is the backend type name (neptune.md §5.3). Series points are sorted by step. */
export type StoredAttribute =
  | { type: 'string'; value: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'datetime'; millis: number }
  | { type: 'stringSet'; value: readonly string[] }
  | { type: 'floatSeries'; points: readonly { step: number; value: number }[] }
  | { type: 'fileRef'; file: StoredFile }
  | { type: 'fileRefSeries'; points: readonly StoredPoint[] };

export type AttributeType = StoredAttribute['type'];

/** The one file attribute every generated benchmark run carries; its path is derived from the run. */
export interface GeneratedAttribute {
  name: string;
  sizeBytes: number;
  mimeType: string;
  pathOf(sysId: string): string;
}

export interface StoredRun {
  /** Position in the project (fixture order, generated runs after): the tie-breaker of every order. */
  readonly index: number;
  readonly sysId: string;
  readonly customRunId: string;
  readonly experimentName: string;
  readonly creationMillis: number;
  readonly tags: readonly string[];
  readonly failed: boolean;
  readonly trashed: boolean;
  readonly isHead: boolean;
  /** Fixture attributes by name, or the generated attribute (a Map per generated run would cost ~0.5 KB each). */
  readonly own: ReadonlyMap<string, StoredAttribute> | GeneratedAttribute;
}

export interface StoredProject {
  /** `workspace/project` (neptune.md §3). */
  readonly id: string;
  readonly workspace: string;
  readonly name: string;
  readonly provider: StorageProvider;
  readonly inaccessible: boolean;
  readonly runs: readonly StoredRun[];
  readonly bySysId: ReadonlyMap<string, StoredRun>;
}

/**
 * The sys/* attributes generated for every run (names and types as the client's type inference knows them,
 * neptune.md §4.2). They are definitions too, so `list_attributes` and type inference see them.
 */
export const SYS_ATTRIBUTES: readonly { name: string; type: AttributeType }[] = [
  { name: 'sys/creation_time', type: 'datetime' },
  { name: 'sys/custom_run_id', type: 'string' },
  { name: 'sys/experiment/is_head', type: 'bool' },
  { name: 'sys/failed', type: 'bool' },
  { name: 'sys/id', type: 'string' },
  { name: 'sys/name', type: 'string' },
  { name: 'sys/tags', type: 'stringSet' },
  { name: 'sys/trashed', type: 'bool' },
];

const SYS_NAMES = new Set(SYS_ATTRIBUTES.map((a) => a.name));

function sysAttribute(run: StoredRun, name: string): StoredAttribute | undefined {
  switch (name) {
    case 'sys/id':
      return { type: 'string', value: run.sysId };
    case 'sys/name':
      return { type: 'string', value: run.experimentName };
    case 'sys/custom_run_id':
      return { type: 'string', value: run.customRunId };
    case 'sys/creation_time':
      return { type: 'datetime', millis: run.creationMillis };
    case 'sys/tags':
      return { type: 'stringSet', value: run.tags };
    case 'sys/failed':
      return { type: 'bool', value: run.failed };
    case 'sys/trashed':
      return { type: 'bool', value: run.trashed };
    case 'sys/experiment/is_head':
      return { type: 'bool', value: run.isHead };
    default:
      return undefined;
  }
}

function isGenerated(own: StoredRun['own']): own is GeneratedAttribute {
  return !(own instanceof Map);
}

/** The run's attribute of that name (generated sys/* ones win over fixture attributes of the same name). */
export function attributeOf(run: StoredRun, name: string): StoredAttribute | undefined {
  if (SYS_NAMES.has(name)) return sysAttribute(run, name);
  const own = run.own;
  if (isGenerated(own)) {
    if (name !== own.name) return undefined;
    return { type: 'fileRef', file: { path: own.pathOf(run.sysId), sizeBytes: own.sizeBytes, mimeType: own.mimeType } };
  }
  return own.get(name);
}

/** Every attribute name and type of the run, sys/* first, then the fixture's in insertion order. */
export function* attributeDefinitionsOf(run: StoredRun): Generator<{ name: string; type: AttributeType }> {
  yield* SYS_ATTRIBUTES;
  const own = run.own;
  if (isGenerated(own)) {
    yield { name: own.name, type: 'fileRef' };
    return;
  }
  for (const [name, attribute] of own) if (!SYS_NAMES.has(name)) yield { name, type: attribute.type };
}

export interface RunOrderQuery {
  /** Only experiment heads (neptune.md §4.1 `experimentLeader`). */
  leadersOnly: boolean;
  includeTrashed: boolean;
}

/** Projects and the precomputed orders searches start from. */
export class NeptuneStore {
  readonly projects: ReadonlyMap<string, StoredProject>;
  /** (project, query) → runs by ascending creation time, ties by index; built on first use. */
  private readonly orders = new Map<string, readonly StoredRun[]>();

  constructor(projects: readonly StoredProject[]) {
    this.projects = new Map(projects.map((p) => [p.id, p]));
  }

  project(id: string): StoredProject | undefined {
    return this.projects.get(id);
  }

  /** `ws/proj/<sysId>` (neptune.md §3) → the run, when its project is one of `projectIds` (any when omitted). */
  runByIdentifier(identifier: string, projectIds?: ReadonlySet<string>): { project: StoredProject; run: StoredRun } | undefined {
    const slash = identifier.lastIndexOf('/');
    if (slash <= 0) return undefined;
    const projectId = identifier.slice(0, slash);
    if (projectIds && !projectIds.has(projectId)) return undefined;
    const project = this.projects.get(projectId);
    const run = project?.bySysId.get(identifier.slice(slash + 1));
    return project && run ? { project, run } : undefined;
  }

  /** Runs of the project by ascending `sys/creation_time` (ties: fixture order). Cached per query shape. */
  runsByCreation(project: StoredProject, query: RunOrderQuery): readonly StoredRun[] {
    const key = `${project.id}\0${query.leadersOnly ? 1 : 0}${query.includeTrashed ? 1 : 0}`;
    let list = this.orders.get(key);
    if (list === undefined) {
      list = project.runs
        .filter((r) => (query.includeTrashed || !r.trashed) && (!query.leadersOnly || r.isHead))
        .sort((a, b) => a.creationMillis - b.creationMillis || a.index - b.index);
      this.orders.set(key, list);
    }
    return list;
  }
}
