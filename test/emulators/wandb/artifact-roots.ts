// Where the artifact types hang off the rest of the schema (wandb-artifacts.md §7 (item 2)): the project's
// artifact fields and a run's logged and used versions.
import type { CollectionRecord, VersionRecord } from './artifact-store.ts';
import { CollectionNode, MembershipNode, splitName, TypeNode, versionByName, VersionNode } from './artifact-nodes.ts';
import type { WandbContext } from './nodes.ts';
import { pagedByKey as paged } from './paging.ts';
import type { ProjectRecord } from './store.ts';

/** The project fields of §7 (item 2) (mixed into ProjectNode). */
export function projectArtifactFields(record: ProjectRecord) {
  const key = `${record.entity}/${record.name}`;
  const collections = (ctx: WandbContext): Map<string, CollectionRecord> => ctx.store.artifacts.collections.get(key) ?? new Map();
  return {
    artifactCollectionMembership(args: { name: string }, ctx: WandbContext): MembershipNode | null {
      const { collection, spec } = splitName(args.name);
      const c = collections(ctx).get(collection);
      const version = c ? versionByName(c, spec) : undefined;
      return version ? new MembershipNode(version) : null;
    },
    artifact(args: { name: string }, ctx: WandbContext): VersionNode | null {
      const { collection, spec } = splitName(args.name);
      const c = collections(ctx).get(collection);
      const version = c ? versionByName(c, spec) : undefined;
      return version ? new VersionNode(version) : null;
    },
    artifactType(args: { name: string }, ctx: WandbContext): TypeNode | null {
      return [...collections(ctx).values()].some((c) => c.type === args.name) ? new TypeNode(record.entity, record.name, args.name) : null;
    },
    artifactTypes(args: { after?: string | null; first?: number | null }, ctx: WandbContext) {
      const types = [...new Set([...collections(ctx).values()].map((c) => c.type))];
      return paged(
        types,
        'ArtifactType',
        (t) => t,
        args,
        ctx,
        (t) => new TypeNode(record.entity, record.name, t),
      );
    },
    artifactCollection(args: { name: string }, ctx: WandbContext): CollectionNode | null {
      const c = collections(ctx).get(args.name);
      return c ? new CollectionNode(c) : null;
    },
  };
}

/** §3.3: a run's logged (`outputArtifacts`) or used (`inputArtifacts`) versions. */
export function runArtifacts(
  versions: readonly VersionRecord[],
  args: { after?: string | null; first?: number | null },
  ctx: WandbContext,
) {
  return paged(
    versions,
    'Artifact',
    (v) => String(v.seq),
    args,
    ctx,
    (v) => new VersionNode(v),
  );
}
