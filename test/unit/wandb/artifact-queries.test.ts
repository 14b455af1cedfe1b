// The artifact documents the source sends are the official client's generated texts, character for character
// (wandb-artifacts.md §1: the body's `query` is the generated string), so a W&B server sees the same operations.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as ours from '../../../src/backends/wandb/graphql/artifact-queries.ts';
import * as client from '../../emulators/wandb/artifact-client-queries.ts';

const pairs: [string, string, string][] = [
  ['ServerFeaturesQuery', ours.SERVER_FEATURES_QUERY, client.SERVER_FEATURES_QUERY_GQL],
  ['ArtifactMembershipByName', ours.ARTIFACT_MEMBERSHIP_BY_NAME_QUERY, client.ARTIFACT_MEMBERSHIP_BY_NAME_GQL],
  ['ArtifactByName', ours.ARTIFACT_BY_NAME_QUERY, client.ARTIFACT_BY_NAME_GQL],
  ['ProjectArtifacts', ours.PROJECT_ARTIFACTS_QUERY, client.PROJECT_ARTIFACTS_GQL],
  ['ArtifactTypeArtifactCollections', ours.ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_QUERY, client.ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_GQL],
  ['RunOutputArtifacts', ours.RUN_OUTPUT_ARTIFACTS_QUERY, client.RUN_OUTPUT_ARTIFACTS_GQL],
  ['RunInputArtifacts', ours.RUN_INPUT_ARTIFACTS_QUERY, client.RUN_INPUT_ARTIFACTS_GQL],
  ['FetchArtifactManifest', ours.FETCH_ARTIFACT_MANIFEST_QUERY, client.FETCH_ARTIFACT_MANIFEST_GQL],
  ['GetArtifactMembershipFileUrls', ours.GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY, client.GET_ARTIFACT_MEMBERSHIP_FILE_URLS_GQL],
  ['GetArtifactFileUrls', ours.GET_ARTIFACT_FILE_URLS_QUERY, client.GET_ARTIFACT_FILE_URLS_GQL],
  ['GetArtifactMembershipFiles', ours.GET_ARTIFACT_MEMBERSHIP_FILES_QUERY, client.GET_ARTIFACT_MEMBERSHIP_FILES_GQL],
  ['GetArtifactFiles', ours.GET_ARTIFACT_FILES_QUERY, client.GET_ARTIFACT_FILES_GQL],
];

it('every artifact operation the source sends is the client text', () => {
  for (const [name, mine, theirs] of pairs) {
    assert.equal(mine, theirs, name);
    assert.match(mine, new RegExp(`^\\nquery ${name}[({ ]`), name);
  }
});
