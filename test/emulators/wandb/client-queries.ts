// The official client's query texts, written out verbatim in the two forms a W&B server receives (wandb.md §1
// "Query text on the wire"): wandb-core sends the Python source string as is (`#graphql` line, source
// indentation), the Python client (≤0.26) re-prints it from its AST (2-space indent, fragments after the
// operation). Tests run both against the emulator, and the backend's own texts must parse the same way.

// ------------------------------------------------------------------ wandb-core (0.27.1+): verbatim source

export const RUN_VERBATIM = `#graphql
        query Run($project: String!, $entity: String!, $name: String!) {
            project(name: $project, entityName: $entity) {
                run(name: $name) {
                    projectId
                    ...RunFragment
                }
            }
        }
        fragment RunFragment on Run {
    id
    tags
    name
    displayName
    sweepName
    state
    config
    group
    jobType
    commit
    readOnly
    createdAt
    heartbeatAt
    description
    notes
    systemMetrics
    summaryMetrics
    historyLineCount
    user {
        name
        username
    }
    historyKeys
}
        `;

export const RUNS_VERBATIM = `#graphql
        query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString) {
            project(name: $project, entityName: $entity) {
                internalId
                runCount(filters: $filters)
                readOnly
                runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
                    edges {
                        node {
                            projectId
                            ...LightweightRunFragment
                        }
                        cursor
                    }
                    pageInfo {
                        endCursor
                        hasNextPage
                    }
                }
            }
        }
        fragment LightweightRunFragment on Run {
    id
    tags
    name
    displayName
    sweepName
    state
    group
    jobType
    commit
    readOnly
    createdAt
    heartbeatAt
    description
    notes
    historyLineCount
    user {
        name
        username
    }
}
        `;

export const RUN_FILES_VERBATIM = `#graphql
            query RunFiles($project: String!, $entity: String!, $name: String!, $fileCursor: String,
                $fileLimit: Int = 50, $fileNames: [String] = [], $upload: Boolean = false, $pattern: String) {
                project(name: $project, entityName: $entity) {
                    internalId
                    run(name: $name) {
                        fileCount
                        ...RunFilesFragment
                    }
                }
            }
            fragment RunFilesFragment on Run {
    files(names: $fileNames, after: $fileCursor, first: $fileLimit, pattern: $pattern) {
        edges {
            node {
                id
                name
                url(upload: $upload)
                directUrl
                sizeBytes
                mimetype
                updatedAt
                md5
            }
            cursor
        }
        pageInfo {
            endCursor
            hasNextPage
        }
    }
}
            `;

/** wandb-core's credential check (0.28.2+, core/api/graphql/query_viewer.graphql). */
export const VIEWER_CORE = `query Viewer {
  viewer {
    id
    entity
    username
    email
    flags
    teams {
      edges {
        node {
          name
        }
      }
    }
  }
}`;

// ------------------------------------------------------------------ Python (≤0.26.x): re-printed by print_ast

export const RUN_REPRINTED = `query Run($project: String!, $entity: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    run(name: $name) {
      projectId
      ...RunFragment
    }
  }
}

fragment RunFragment on Run {
  id
  tags
  name
  displayName
  sweepName
  state
  config
  group
  jobType
  commit
  readOnly
  createdAt
  heartbeatAt
  description
  notes
  systemMetrics
  summaryMetrics
  historyLineCount
  user {
    name
    username
  }
  historyKeys
}
`;

export const RUNS_REPRINTED = `query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    internalId
    runCount(filters: $filters)
    readOnly
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges {
        node {
          projectId
          ...LightweightRunFragment
        }
        cursor
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
}

fragment LightweightRunFragment on Run {
  id
  tags
  name
  displayName
  sweepName
  state
  group
  jobType
  commit
  readOnly
  createdAt
  heartbeatAt
  description
  notes
  historyLineCount
  user {
    name
    username
  }
}
`;

export const RUN_FILES_REPRINTED = `query RunFiles($project: String!, $entity: String!, $name: String!, $fileCursor: String, $fileLimit: Int = 50, $fileNames: [String] = [], $upload: Boolean = false, $pattern: String) {
  project(name: $project, entityName: $entity) {
    internalId
    run(name: $name) {
      fileCount
      ...RunFilesFragment
    }
  }
}

fragment RunFilesFragment on Run {
  files(names: $fileNames, after: $fileCursor, first: $fileLimit, pattern: $pattern) {
    edges {
      node {
        id
        name
        url(upload: $upload)
        directUrl
        sizeBytes
        mimetype
        updatedAt
        md5
      }
      cursor
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
`;

/** ≤0.28.1 InternalApi credential check: anonymous. */
export const VIEWER_ID_ANONYMOUS = '{\n  viewer {\n    id\n  }\n}\n';

export const GET_VIEWER = `query GetViewer {
  viewer {
    id
    name
    username
    email
    admin
    flags
    entity
    deletedAt
    apiKeys {
      edges {
        node {
          id
          name
          description
        }
      }
    }
    teams {
      edges {
        node {
          name
        }
      }
    }
  }
}
`;

export const GET_DEFAULT_ENTITY = `query GetDefaultEntity {
  viewer {
    id
    entity
  }
}
`;

/** ≤0.25 introspection probe (§2.0 "Before 0.26.0"). */
export const PROBE_PROJECT_INPUT = `query ProbeProjectInput {
  ProjectType: __type(name: "Project") {
    fields {
      name
    }
  }
}
`;

// The artifact operations (wandb-artifacts.md) have one text only: the generated one, which every version sends.
export * from './artifact-client-queries.ts';
