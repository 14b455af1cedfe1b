// The fragments of the official client's artifact operations (wandb-artifacts.md §2.3, §3, §5.1), one field
// per line as the generated code holds them, and how a document is laid out from them.

export const PAGE_INFO = `fragment PageInfoFragment on PageInfo {
  __typename
  endCursor
  hasNextPage
}`;

export const PROJECT_INFO = `fragment ProjectInfoFragment on Project {
  name
  entity {
    name
  }
}`;

export const TAG = `fragment TagFragment on Tag {
  __typename
  id
  name
}`;

const ALIAS = `fragment ArtifactAliasFragment on ArtifactAlias {
  __typename
  id
  alias
}`;

const COLLECTION_INFO = `fragment CollectionInfoFragment on ArtifactCollection {
  __typename
  name
  project {
    ...ProjectInfoFragment
  }
}`;

const SOURCE_COLLECTION_INFO = `fragment SourceCollectionInfoFragment on ArtifactSequence {
  __typename
  name
  project {
    ...ProjectInfoFragment
  }
}`;

/** §2.3 / §2.4: every field of an artifact version the client reads. */
const ARTIFACT = `fragment ArtifactFragment on Artifact {
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
}`;

export const MEMBERSHIP = `fragment ArtifactMembershipFragment on ArtifactCollectionMembership {
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
}`;

export const COLLECTION = `fragment ArtifactCollectionFragment on ArtifactCollection {
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
}`;

export const FILE_WITH_URL = `fragment FileWithUrlFragment on File {
  __typename
  name
  directUrl
}`;

export const FILE = `fragment FileFragment on File {
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
}`;

/** The ArtifactFragment and everything it spreads. */
export const ARTIFACT_FRAGMENTS = [ALIAS, ARTIFACT, COLLECTION_INFO, PROJECT_INFO, SOURCE_COLLECTION_INFO, TAG];

function fragmentName(fragment: string): string {
  return /^fragment (\w+)/.exec(fragment)?.[1] ?? '';
}

/** The generated layout: a newline, the operation, its fragments sorted by name, a final newline. */
export function document(operation: string, fragments: readonly string[] = []): string {
  const sorted = [...new Set(fragments)].sort((a, b) => fragmentName(a).localeCompare(fragmentName(b), 'en'));
  return `\n${[operation, ...sorted].join('\n\n')}\n`;
}
