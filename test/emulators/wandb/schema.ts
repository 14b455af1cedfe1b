// The part of the W&B GraphQL schema the official clients use (wandb.md §2, §9; wandb-artifacts.md §7), as SDL, executed by
// graphql-js: a real parser and validator, so the re-printed (Python) and the verbatim `#graphql` (wandb-core)
// query texts are both accepted, and a query the real server would reject is rejected here too.
import { ARTIFACT_SDL } from './artifact-schema.ts';
import { buildSchema, GraphQLScalarType, Kind, valueFromASTUntyped, type GraphQLSchema, type ValueNode } from 'graphql';

/**
 * `serverInfo`: with the features list of a current server, or (an old server) without the field, so that
 * `ServerFeaturesQuery` fails validation with `Cannot query field "features" on type "ServerInfo".` (§2.2).
 */
function serverInfoSdl(withFeatures: boolean): string {
  return withFeatures
    ? 'type ServerInfo {\n  features: [ServerFeature!]!\n  cliVersionInfo: JSON\n}\n'
    : 'type ServerInfo {\n  cliVersionInfo: JSON\n}\n';
}

const SDL = /* GraphQL */ `
  "JSON carried as a string (config, summaryMetrics, systemMetrics, filters)."
  scalar JSONString
  "Any JSON value."
  scalar JSON
  "An ISO-8601 time."
  scalar DateTime
  "A 64-bit integer (graphql-js's Int is 32-bit; W&B sizes can exceed 2 GiB)."
  scalar Int64

  type Query {
    viewer: User
    project(name: String, entityName: String): Project
    serverInfo: ServerInfo
    artifact(id: ID!): Artifact
    artifactCollection(id: ID!): ArtifactCollection
  }

  type User {
    id: ID!
    name: String
    username: String
    email: String
    admin: Boolean
    flags: JSONString
    entity: String
    deletedAt: DateTime
    apiKeys: ApiKeyConnection
    teams: EntityConnection
  }

  type ApiKeyConnection {
    edges: [ApiKeyEdge!]!
  }
  type ApiKeyEdge {
    node: ApiKey
  }
  type ApiKey {
    id: ID!
    name: String!
    description: String
  }
  type EntityConnection {
    edges: [EntityEdge!]!
  }
  type EntityEdge {
    node: Entity
  }
  type Entity {
    id: ID!
    name: String!
  }

  type Project {
    id: ID!
    internalId: ID!
    name: String!
    entityName: String!
    entity: Entity!
    readOnly: Boolean
    runCount(filters: JSONString): Int!
    run(name: String!): Run
    runs(filters: JSONString, after: String, first: Int, order: String): RunConnection
    artifactCollectionMembership(name: String!): ArtifactCollectionMembership
    artifact(name: String!, enableTracking: Boolean): Artifact
    artifactType(name: String!): ArtifactType
    artifactTypes(after: String, first: Int): ArtifactTypeConnection!
    artifactCollection(name: String!): ArtifactCollection
  }

  type PageInfo {
    startCursor: String
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
  }

  type RunConnection {
    edges: [RunEdge!]!
    pageInfo: PageInfo!
  }
  type RunEdge {
    node: Run!
    cursor: String!
  }

  type Run {
    id: ID!
    name: String!
    displayName: String
    state: String!
    tags: [String!]!
    config: JSONString
    summaryMetrics: JSONString
    systemMetrics: JSONString
    sweepName: String
    group: String
    jobType: String
    commit: String
    readOnly: Boolean
    createdAt: DateTime!
    heartbeatAt: DateTime
    description: String
    notes: String
    historyLineCount: Int
    user: User
    historyKeys: JSON
    projectId: Int!
    fileCount: Int!
    files(names: [String], after: String, first: Int, pattern: String): FileConnection
    outputArtifacts(after: String, first: Int): ArtifactConnection!
    inputArtifacts(after: String, first: Int): ArtifactConnection!
  }

  type FileConnection {
    totalCount: Int!
    edges: [FileEdge!]!
    pageInfo: PageInfo!
  }
  type FileEdge {
    node: File
    cursor: String!
  }
  type File {
    id: ID!
    name: String!
    url(upload: Boolean): String
    directUrl: String!
    sizeBytes: Int64!
    mimetype: String
    updatedAt: DateTime
    md5: String
    displayName: String!
    storagePath: String
    digest: String
  }
  ${ARTIFACT_SDL}
`;

function literal(ast: ValueNode): unknown {
  return valueFromASTUntyped(ast);
}

/** JSONString keeps what it is given (text or object) on input and prints objects as JSON text on output. */
const scalars: Record<string, Partial<GraphQLScalarType>> = {
  JSONString: {
    serialize: (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null)),
    parseValue: (v: unknown) => v,
    parseLiteral: literal,
  },
  JSON: { serialize: (v: unknown) => v, parseValue: (v: unknown) => v, parseLiteral: literal },
  DateTime: {
    serialize: (v: unknown) => String(v),
    parseValue: (v: unknown) => v,
    parseLiteral: (ast: ValueNode) => (ast.kind === Kind.STRING ? ast.value : undefined),
  },
  Int64: {
    serialize: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`Int64 cannot represent ${String(v)}`);
      return v;
    },
    parseValue: (v: unknown) => v,
    parseLiteral: (ast: ValueNode) => (ast.kind === Kind.INT ? Number(ast.value) : undefined),
  },
};

export function createWandbSchema(options: { features: boolean } = { features: true }): GraphQLSchema {
  const schema = buildSchema(SDL + serverInfoSdl(options.features));
  for (const [name, impl] of Object.entries(scalars)) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLScalarType)) throw new Error(`schema lacks scalar ${name}`);
    // buildSchema cannot take scalar implementations; attaching them afterwards is graphql-js's documented way.
    Object.assign(type, impl);
  }
  return schema;
}
