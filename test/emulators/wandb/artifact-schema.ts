// The artifact part of the W&B GraphQL schema (wandb-artifacts.md §7 (item 2)), as SDL: collections behind the
// `ArtifactCollection` interface, memberships, versions, aliases, types, manifests and their connections.
/** The artifact part (wandb-artifacts.md §7 (item 2)): collections, memberships, versions, manifests, types. */
export const ARTIFACT_SDL = /* GraphQL */ `
  type ServerFeature {
    name: String!
    isEnabled: Boolean!
  }

  enum ArtifactState {
    PENDING
    COMMITTED
    DELETED
  }

  "Selected by clients newer than wandb-artifacts.md's (0.30: digestAlgorithm @include(if: true))."
  enum ArtifactDigestAlgorithm {
    MANIFEST_MD5
    MANIFEST_XXH128
  }

  interface ArtifactCollection {
    id: ID!
    name: String!
    description: String
    createdAt: DateTime!
    updatedAt: DateTime
    project: Project
    defaultArtifactType: ArtifactType!
    tags(after: String, first: Int): TagConnection!
    artifacts(after: String, first: Int, order: String, filters: JSONString): VersionedArtifactConnection!
    aliases(after: String, first: Int): ArtifactAliasConnection!
    artifactMembership(aliasName: String!): ArtifactCollectionMembership
  }

  type ArtifactSequence implements ArtifactCollection {
    id: ID!
    name: String!
    description: String
    createdAt: DateTime!
    updatedAt: DateTime
    project: Project
    defaultArtifactType: ArtifactType!
    tags(after: String, first: Int): TagConnection!
    artifacts(after: String, first: Int, order: String, filters: JSONString): VersionedArtifactConnection!
    aliases(after: String, first: Int): ArtifactAliasConnection!
    artifactMembership(aliasName: String!): ArtifactCollectionMembership
  }

  "A linked collection (registry); the emulator's fixtures hold none, but fragments may name it."
  type ArtifactPortfolio implements ArtifactCollection {
    id: ID!
    name: String!
    description: String
    createdAt: DateTime!
    updatedAt: DateTime
    project: Project
    defaultArtifactType: ArtifactType!
    tags(after: String, first: Int): TagConnection!
    artifacts(after: String, first: Int, order: String, filters: JSONString): VersionedArtifactConnection!
    aliases(after: String, first: Int): ArtifactAliasConnection!
    artifactMembership(aliasName: String!): ArtifactCollectionMembership
  }

  type ArtifactCollectionMembership {
    id: ID!
    versionIndex: Int
    createdAt: DateTime
    aliases: [ArtifactAlias!]!
    artifactCollection: ArtifactCollection
    artifact: Artifact
    files(names: [String], after: String, first: Int): FileConnection!
  }

  type Artifact {
    id: ID!
    artifactSequence: ArtifactSequence!
    versionIndex: Int
    artifactType: ArtifactType!
    description: String
    metadata: JSONString
    ttlDurationSeconds: Int64!
    ttlIsInherited: Boolean!
    tags: [Tag!]!
    historyStep: Int64
    state: ArtifactState!
    size: Int64!
    digest: String!
    digestAlgorithm: ArtifactDigestAlgorithm
    commitHash: String
    fileCount: Int64!
    createdAt: DateTime!
    updatedAt: DateTime
    aliases: [ArtifactAlias!]!
    currentManifest: ArtifactManifest
    files(names: [String], after: String, first: Int): FileConnection!
  }

  type ArtifactAlias {
    id: ID!
    alias: String!
    artifactCollection: ArtifactCollection
  }

  type ArtifactType {
    id: ID!
    name: String!
    description: String
    createdAt: DateTime!
    artifact(name: String!): Artifact
    artifactCollection(name: String!): ArtifactCollection
    artifactCollections(after: String, first: Int, filters: JSONString, order: String): ArtifactCollectionConnection!
  }

  type ArtifactManifest {
    id: ID!
    file: File!
  }

  type Tag {
    id: ID!
    name: String!
  }
  type TagConnection {
    edges: [TagEdge!]!
  }
  type TagEdge {
    node: Tag!
  }

  type VersionedArtifactConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    edges: [VersionedArtifactEdge!]!
  }
  type VersionedArtifactEdge {
    version: String!
    node: Artifact!
    cursor: String!
  }
  type ArtifactConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    edges: [ArtifactEdge!]!
  }
  type ArtifactEdge {
    node: Artifact!
    cursor: String!
  }
  type ArtifactCollectionConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    edges: [ArtifactCollectionEdge!]!
  }
  type ArtifactCollectionEdge {
    node: ArtifactCollection!
    cursor: String!
  }
  type ArtifactTypeConnection {
    pageInfo: PageInfo!
    edges: [ArtifactTypeEdge!]!
  }
  type ArtifactTypeEdge {
    node: ArtifactType!
    cursor: String!
  }
  type ArtifactAliasConnection {
    pageInfo: PageInfo!
    edges: [ArtifactAliasEdge!]!
  }
  type ArtifactAliasEdge {
    node: ArtifactAlias!
    cursor: String!
  }
`;
