// The artifact operations we send: the official client's generated documents (wandb-artifacts.md §2–§5,
// `sdk/artifacts/_generated/operations.py`), built here from their fragments into the very text the client sends
// (the operation, then its fragments in alphabetical order, each block separated by a blank line), so a W&B
// server sees the operations, fields and variables it sees from `wandb.Api()`.
import {
  ARTIFACT_FRAGMENTS,
  COLLECTION,
  document,
  FILE,
  FILE_WITH_URL,
  MEMBERSHIP,
  PAGE_INFO,
  PROJECT_INFO,
  TAG,
} from './artifact-fragments.ts';

/** §2.2, `sdk/internal/_generated/operations.py`. */
export const SERVER_FEATURES_QUERY = document(`query ServerFeaturesQuery {
  serverInfo {
    features {
      name
      isEnabled
    }
  }
}`);

/** §2.3: an artifact version by `collection:alias|vN` through the collection membership. */
export const ARTIFACT_MEMBERSHIP_BY_NAME_QUERY = document(
  `query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!, $includeAliases: Boolean = false) {
  project(name: $project, entityName: $entity) {
    artifactCollectionMembership(name: $name) {
      ...ArtifactMembershipFragment
    }
  }
}`,
  [...ARTIFACT_FRAGMENTS, MEMBERSHIP],
);

/** §2.3: the legacy lookup, for servers without PROJECT_ARTIFACT_COLLECTION_MEMBERSHIP. */
export const ARTIFACT_BY_NAME_QUERY = document(
  `query ArtifactByName($entity: String!, $project: String!, $name: String!, $enableTracking: Boolean, $includeAliases: Boolean = true) {
  project(name: $project, entityName: $entity) {
    artifact(name: $name, enableTracking: $enableTracking) {
      ...ArtifactFragment
    }
  }
}`,
  ARTIFACT_FRAGMENTS,
);

/** §3.1: the versions of one collection, `collection.artifacts()`. */
export const PROJECT_ARTIFACTS_QUERY = document(
  `query ProjectArtifacts($entity: String!, $project: String!, $type: String!, $collection: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString, $includeAliases: Boolean = true) {
  project(entityName: $entity, name: $project) {
    artifactType(name: $type) {
      artifactCollection(name: $collection) {
        __typename
        artifacts(after: $cursor, first: $perPage, order: $order, filters: $filters) {
          totalCount
          pageInfo {
            ...PageInfoFragment
          }
          edges {
            version
            node {
              ...ArtifactFragment
            }
          }
        }
      }
    }
  }
}`,
  [...ARTIFACT_FRAGMENTS, PAGE_INFO],
);

/** §3.2: the collections of one type, `api.artifact_type(type, path).collections()`. */
export const ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_QUERY = document(
  `query ArtifactTypeArtifactCollections($entity: String!, $project: String!, $type: String!, $cursor: String, $perPage: Int) {
  project(entityName: $entity, name: $project) {
    artifactType(name: $type) {
      artifactCollections(after: $cursor, first: $perPage) {
        totalCount
        pageInfo {
          ...PageInfoFragment
        }
        edges {
          node {
            __typename
            ...ArtifactCollectionFragment
          }
        }
      }
    }
  }
}`,
  [COLLECTION, PAGE_INFO, PROJECT_INFO, TAG],
);

function runArtifactsQuery(name: 'RunOutputArtifacts' | 'RunInputArtifacts', field: 'outputArtifacts' | 'inputArtifacts'): string {
  return document(
    `query ${name}($entity: String!, $project: String!, $run: String!, $cursor: String, $perPage: Int, $includeAliases: Boolean = true) {
  project(entityName: $entity, name: $project) {
    run(name: $run) {
      artifacts: ${field}(after: $cursor, first: $perPage) {
        totalCount
        pageInfo {
          ...PageInfoFragment
        }
        edges {
          node {
            ...ArtifactFragment
          }
        }
      }
    }
  }
}`,
    [...ARTIFACT_FRAGMENTS, PAGE_INFO],
  );
}

/** §3.3: `run.logged_artifacts()`. */
export const RUN_OUTPUT_ARTIFACTS_QUERY = runArtifactsQuery('RunOutputArtifacts', 'outputArtifacts');
/** §3.3: `run.used_artifacts()`. */
export const RUN_INPUT_ARTIFACTS_QUERY = runArtifactsQuery('RunInputArtifacts', 'inputArtifacts');

/** §4: the signed URL of a version's manifest. */
export const FETCH_ARTIFACT_MANIFEST_QUERY = document(
  `query FetchArtifactManifest($id: ID!) {
  artifact(id: $id) {
    currentManifest {
      ...DeferredManifestFragment
    }
  }
}`,
  [
    `fragment DeferredManifestFragment on ArtifactManifest {
  file {
    directUrl
  }
}`,
  ],
);

/** §5.1: the entries' signed URLs, in batches, through the collection membership. */
export const GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY = document(
  `query GetArtifactMembershipFileUrls($entity: String!, $project: String!, $collection: String!, $alias: String!, $cursor: String, $perPage: Int) {
  project(name: $project, entityName: $entity) {
    artifactCollection(name: $collection) {
      __typename
      artifactMembership(aliasName: $alias) {
        files(after: $cursor, first: $perPage) {
          pageInfo {
            ...PageInfoFragment
          }
          edges {
            node {
              ...FileWithUrlFragment
            }
          }
        }
      }
    }
  }
}`,
  [FILE_WITH_URL, PAGE_INFO],
);

/** §5.1: the legacy listing by artifact id. */
export const GET_ARTIFACT_FILE_URLS_QUERY = document(
  `query GetArtifactFileUrls($id: ID!, $cursor: String, $perPage: Int) {
  artifact(id: $id) {
    files(after: $cursor, first: $perPage) {
      pageInfo {
        ...PageInfoFragment
      }
      edges {
        node {
          ...FileWithUrlFragment
        }
      }
    }
  }
}`,
  [FILE_WITH_URL, PAGE_INFO],
);

/** §3.4: `artifact.files(names=[…])`, used to sign one entry again (the client's refresh in §5.3 multipart). */
export const GET_ARTIFACT_MEMBERSHIP_FILES_QUERY = document(
  `query GetArtifactMembershipFiles($entity: String!, $project: String!, $collection: String!, $alias: String!, $fileNames: [String!], $cursor: String, $perPage: Int = 50) {
  project(name: $project, entityName: $entity) {
    artifactCollection(name: $collection) {
      __typename
      artifactMembership(aliasName: $alias) {
        files(names: $fileNames, after: $cursor, first: $perPage) {
          totalCount @include(if: true)
          pageInfo {
            ...PageInfoFragment
          }
          edges {
            node {
              ...FileFragment
            }
          }
        }
      }
    }
  }
}`,
  [FILE, PAGE_INFO],
);

/** §3.4: the legacy form of the same, by type and `collection:vN`. */
export const GET_ARTIFACT_FILES_QUERY = document(
  `query GetArtifactFiles($entity: String!, $project: String!, $type: String!, $name: String!, $fileNames: [String!], $cursor: String, $perPage: Int = 50) {
  project(name: $project, entityName: $entity) {
    artifactType(name: $type) {
      artifact(name: $name) {
        files(names: $fileNames, after: $cursor, first: $perPage) {
          totalCount @include(if: true)
          pageInfo {
            ...PageInfoFragment
          }
          edges {
            node {
              ...FileFragment
            }
          }
        }
      }
    }
  }
}`,
  [FILE, PAGE_INFO],
);
