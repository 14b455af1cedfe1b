// What the server can do (wandb-artifacts.md §2.2): `ServerFeaturesQuery`, asked once per run as the client asks
// once per client object. A server that has no `features` field answers with a GraphQL error naming it: that
// means "no features" (the legacy operations are then used); any other error is raised.
import { ServerError } from '../../../core/errors.ts';
import { isObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { SERVER_FEATURES_QUERY } from '../graphql/artifact-queries.ts';

/** The features that change what the artifact operations send (§2.2 table). */
export const Feature = {
  membershipByName: 'PROJECT_ARTIFACT_COLLECTION_MEMBERSHIP',
  membershipFiles: 'ARTIFACT_COLLECTION_MEMBERSHIP_FILES',
  v2HandlerWithArtifactId: 'ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID',
  membershipFileHandler: 'ARTIFACT_COLLECTION_MEMBERSHIP_FILE_DOWNLOAD_HANDLER',
} as const;

const NO_FEATURES_FIELD = /Cannot query field "features" on type "ServerInfo"/;

export async function fetchServerFeatures(gql: WandbGraphqlClient): Promise<ReadonlySet<string>> {
  let data;
  try {
    data = await gql.query('ServerFeaturesQuery', SERVER_FEATURES_QUERY, {});
  } catch (error) {
    if (error instanceof ServerError && NO_FEATURES_FIELD.test(error.message)) return new Set();
    throw error;
  }
  const features = isObject(data.serverInfo) ? data.serverInfo.features : undefined;
  const enabled = new Set<string>();
  if (Array.isArray(features)) {
    for (const f of features) if (isObject(f) && typeof f.name === 'string' && f.isEnabled === true) enabled.add(f.name);
  }
  return enabled;
}
