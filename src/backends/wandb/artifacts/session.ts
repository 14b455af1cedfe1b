// What every part of one artifact download shares: the GraphQL client, the API client, the selection, and the
// facts asked of the server at most once per run — its features (wandb-artifacts.md §2.2) and the API key's
// default entity (wandb.md §2.0).
import type { ApiClient } from '../../../core/http/api-client.ts';
import type { Logger } from '../../../core/logger.ts';
import type { ProjectPath } from '../api/runs.ts';
import { fetchServerFeatures } from '../api/server-features.ts';
import { fetchDefaultEntity } from '../api/viewer.ts';
import type { WandbGraphqlClient } from '../graphql/graphql-client.ts';
import type { WandbArtifactSelection } from '../selection.ts';

export class ArtifactSession {
  readonly gql: WandbGraphqlClient;
  readonly api: ApiClient;
  readonly selection: WandbArtifactSelection;
  readonly log: Logger;
  /** The Basic credential, sent only to the API origin (the fallback URLs of wandb-artifacts.md §5.3). */
  readonly authorization: string;
  private featuresOnce: Promise<ReadonlySet<string>> | undefined;
  private entityOnce: Promise<string> | undefined;

  constructor(gql: WandbGraphqlClient, api: ApiClient, selection: WandbArtifactSelection, log: Logger, authorization: string) {
    this.gql = gql;
    this.api = api;
    this.selection = selection;
    this.log = log;
    this.authorization = authorization;
  }

  features(): Promise<ReadonlySet<string>> {
    this.featuresOnce ??= fetchServerFeatures(this.gql);
    return this.featuresOnce;
  }

  /** `entity` when given, else the `project` input's entity, else the API key's default entity. */
  async entity(given: string | null, projectName: string): Promise<string> {
    if (given !== null) return given;
    if (this.selection.entity !== null) return this.selection.entity;
    this.entityOnce ??= fetchDefaultEntity(this.gql, projectName);
    return this.entityOnce;
  }

  /** The `project` input as a path (the selection guarantees it is given when this is needed). */
  async projectPath(): Promise<ProjectPath> {
    const project = this.selection.project;
    if (project === null) throw new Error('internal error: no project input, but one is needed');
    return { entity: await this.entity(null, project), project };
  }
}
