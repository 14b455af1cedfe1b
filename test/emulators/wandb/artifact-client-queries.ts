// The official client's artifact operations, verbatim as `sdk/artifacts/_generated/operations.py` (and
// `sdk/internal/_generated/operations.py` for ServerFeaturesQuery) holds them and the client sends them
// (wandb-artifacts.md §1: the body's `query` is the generated string). The emulator tests run them, and the
// source's own documents must equal them.

const ARTIFACT_FRAGMENT_TEXT = `fragment ArtifactAliasFragment on ArtifactAlias {
  __typename
  id
  alias
}

fragment ArtifactFragment on Artifact {
  __typename
  id
  artifactSequence {
    ...SourceCollectionInfoFragment
  }
  versionIndex
  artifactType {
    name
  }
  description
  metadata
  ttlDurationSeconds
  ttlIsInherited
  tags {
    ...TagFragment
  }
  historyStep
  state
  size
  digest
  commitHash
  fileCount
  createdAt
  updatedAt
  aliases @include(if: $includeAliases) {
    artifactCollection {
      ...CollectionInfoFragment
    }
    ...ArtifactAliasFragment
  }
}
`;

const COLLECTION_INFO_TEXT = `fragment CollectionInfoFragment on ArtifactCollection {
  __typename
  name
  project {
    ...ProjectInfoFragment
  }
}
`;

const PAGE_INFO_TEXT = `fragment PageInfoFragment on PageInfo {
  __typename
  endCursor
  hasNextPage
}
`;

const PROJECT_INFO_TEXT = `fragment ProjectInfoFragment on Project {
  name
  entity {
    name
  }
}
`;

const SOURCE_AND_TAG_TEXT = `fragment SourceCollectionInfoFragment on ArtifactSequence {
  __typename
  name
  project {
    ...ProjectInfoFragment
  }
}

fragment TagFragment on Tag {
  __typename
  id
  name
}
`;

export const SERVER_FEATURES_QUERY_GQL = `
query ServerFeaturesQuery {
  serverInfo {
    features {
      name
      isEnabled
    }
  }
}
`;

export const ARTIFACT_MEMBERSHIP_BY_NAME_GQL = `
query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!, $includeAliases: Boolean = false) {
  project(name: $project, entityName: $entity) {
    artifactCollectionMembership(name: $name) {
      ...ArtifactMembershipFragment
    }
  }
}

${ARTIFACT_FRAGMENT_TEXT}
fragment ArtifactMembershipFragment on ArtifactCollectionMembership {
  __typename
  id
  versionIndex
  aliases {
    ...ArtifactAliasFragment
  }
  artifactCollection {
    ...CollectionInfoFragment
  }
  artifact {
    ...ArtifactFragment
  }
}

${COLLECTION_INFO_TEXT}
${PROJECT_INFO_TEXT}
${SOURCE_AND_TAG_TEXT}`;

export const ARTIFACT_BY_NAME_GQL = `
query ArtifactByName($entity: String!, $project: String!, $name: String!, $enableTracking: Boolean, $includeAliases: Boolean = true) {
  project(name: $project, entityName: $entity) {
    artifact(name: $name, enableTracking: $enableTracking) {
      ...ArtifactFragment
    }
  }
}

${ARTIFACT_FRAGMENT_TEXT}
${COLLECTION_INFO_TEXT}
${PROJECT_INFO_TEXT}
${SOURCE_AND_TAG_TEXT}`;

export const ARTIFACT_BY_ID_GQL = `
query ArtifactByID($id: ID!, $includeAliases: Boolean = true) {
  artifact(id: $id) {
    ...ArtifactFragment
  }
}

${ARTIFACT_FRAGMENT_TEXT}
${COLLECTION_INFO_TEXT}
${PROJECT_INFO_TEXT}
${SOURCE_AND_TAG_TEXT}`;

export const PROJECT_ARTIFACTS_GQL = `
query ProjectArtifacts($entity: String!, $project: String!, $type: String!, $collection: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString, $includeAliases: Boolean = true) {
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
}

${ARTIFACT_FRAGMENT_TEXT}
${COLLECTION_INFO_TEXT}
${PAGE_INFO_TEXT}
${PROJECT_INFO_TEXT}
${SOURCE_AND_TAG_TEXT}`;

function runArtifacts(name: string, field: string): string {
  return `
query ${name}($entity: String!, $project: String!, $run: String!, $cursor: String, $perPage: Int, $includeAliases: Boolean = true) {
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
}

${ARTIFACT_FRAGMENT_TEXT}
${COLLECTION_INFO_TEXT}
${PAGE_INFO_TEXT}
${PROJECT_INFO_TEXT}
${SOURCE_AND_TAG_TEXT}`;
}

export const RUN_OUTPUT_ARTIFACTS_GQL = runArtifacts('RunOutputArtifacts', 'outputArtifacts');
export const RUN_INPUT_ARTIFACTS_GQL = runArtifacts('RunInputArtifacts', 'inputArtifacts');

export const FETCH_ARTIFACT_MANIFEST_GQL = `
query FetchArtifactManifest($id: ID!) {
  artifact(id: $id) {
    currentManifest {
      ...DeferredManifestFragment
    }
  }
}

fragment DeferredManifestFragment on ArtifactManifest {
  file {
    directUrl
  }
}
`;

const FILE_WITH_URL_TEXT = `fragment FileWithUrlFragment on File {
  __typename
  name
  directUrl
}
`;

export const GET_ARTIFACT_MEMBERSHIP_FILE_URLS_GQL = `
query GetArtifactMembershipFileUrls($entity: String!, $project: String!, $collection: String!, $alias: String!, $cursor: String, $perPage: Int) {
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
}

${FILE_WITH_URL_TEXT}
${PAGE_INFO_TEXT}`;

export const GET_ARTIFACT_FILE_URLS_GQL = `
query GetArtifactFileUrls($id: ID!, $cursor: String, $perPage: Int) {
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
}

${FILE_WITH_URL_TEXT}
${PAGE_INFO_TEXT}`;

const FILE_TEXT = `fragment FileFragment on File {
  __typename
  id
  name: displayName
  url
  sizeBytes
  storagePath
  mimetype
  updatedAt
  digest
  md5
  directUrl
}
`;

export const GET_ARTIFACT_MEMBERSHIP_FILES_GQL = `
query GetArtifactMembershipFiles($entity: String!, $project: String!, $collection: String!, $alias: String!, $fileNames: [String!], $cursor: String, $perPage: Int = 50) {
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
}

${FILE_TEXT}
${PAGE_INFO_TEXT}`;

export const GET_ARTIFACT_FILES_GQL = `
query GetArtifactFiles($entity: String!, $project: String!, $type: String!, $name: String!, $fileNames: [String!], $cursor: String, $perPage: Int = 50) {
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
}

${FILE_TEXT}
${PAGE_INFO_TEXT}`;

const COLLECTION_FRAGMENT_TEXT = `fragment ArtifactCollectionFragment on ArtifactCollection {
  __typename
  id
  name
  description
  createdAt
  project {
    ...ProjectInfoFragment
  }
  type: defaultArtifactType {
    name
  }
  tags {
    edges {
      node {
        ...TagFragment
      }
    }
  }
}
`;

const TAG_TEXT = `fragment TagFragment on Tag {
  __typename
  id
  name
}
`;

export const ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_GQL = `
query ArtifactTypeArtifactCollections($entity: String!, $project: String!, $type: String!, $cursor: String, $perPage: Int) {
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
}

${COLLECTION_FRAGMENT_TEXT}
${PAGE_INFO_TEXT}
${PROJECT_INFO_TEXT}
${TAG_TEXT}`;

export const PROJECT_ARTIFACT_COLLECTION_GQL = `
query ProjectArtifactCollection($entity: String!, $project: String!, $type: String!, $name: String!) {
  project(entityName: $entity, name: $project) {
    artifactType(name: $type) {
      artifactCollection(name: $name) {
        __typename
        ...ArtifactCollectionFragment
      }
    }
  }
}

${COLLECTION_FRAGMENT_TEXT}
${PROJECT_INFO_TEXT}
${TAG_TEXT}`;

export const ARTIFACT_COLLECTION_ALIASES_GQL = `
query ArtifactCollectionAliases($id: ID!, $cursor: String, $perPage: Int = 1000) {
  artifactCollection(id: $id) {
    __typename
    aliases(after: $cursor, first: $perPage) {
      pageInfo {
        ...PageInfoFragment
      }
      edges {
        node {
          ...ArtifactAliasFragment
        }
      }
    }
  }
}

fragment ArtifactAliasFragment on ArtifactAlias {
  __typename
  id
  alias
}

${PAGE_INFO_TEXT}`;

const TYPE_FRAGMENT_TEXT = `fragment ArtifactTypeFragment on ArtifactType {
  __typename
  id
  name
  description
  createdAt
}
`;

export const PROJECT_ARTIFACT_TYPES_GQL = `
query ProjectArtifactTypes($entity: String!, $project: String!, $cursor: String, $perPage: Int) {
  project(name: $project, entityName: $entity) {
    artifactTypes(after: $cursor, first: $perPage) {
      edges {
        node {
          ...ArtifactTypeFragment
        }
      }
      pageInfo {
        ...PageInfoFragment
      }
    }
  }
}

${TYPE_FRAGMENT_TEXT}
${PAGE_INFO_TEXT}`;

export const PROJECT_ARTIFACT_TYPE_GQL = `
query ProjectArtifactType($entity: String!, $project: String!, $type: String!) {
  project(entityName: $entity, name: $project) {
    artifactType(name: $type) {
      ...ArtifactTypeFragment
    }
  }
}

${TYPE_FRAGMENT_TEXT}`;
