// The GraphQL documents we send: the official client's own texts (wandb.md §2), as wandb-core sends them
// verbatim (the `#graphql` marker and the Python source indentation included, §1 "Query text on the wire"), so
// a W&B server sees the same operations, fields and variables it sees from `wandb.Api()`.

/** `RunFragment` minus config, systemMetrics, summaryMetrics and historyKeys (§2.2, `lazy=True`). */
export const LIGHTWEIGHT_RUN_FRAGMENT = `fragment LightweightRunFragment on Run {
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
}`;

/** §2.3 `RunFilesFragment`, with the `pattern` argument the schema must accept even when null. */
export const RUN_FILES_FRAGMENT = `fragment RunFilesFragment on Run {
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
}`;

/**
 * §2.0 `GetDefaultEntity`: the entity used when `project` names no entity. `viewer` may be null, `entity`
 * nullable.
 */
export const GET_DEFAULT_ENTITY_QUERY = `#graphql
query GetDefaultEntity {
    viewer {
        id
        entity
    }
}
`;

/**
 * §2.1 operation `Run`. The client selects the full `RunFragment`; we only need to know the run exists (and
 * its display name), so the lightweight fragment of §2.2 saves the server from serialising config and
 * summaries. Both fragments are part of the client's vocabulary.
 */
export const RUN_QUERY = `#graphql
        query Run($project: String!, $entity: String!, $name: String!) {
            project(name: $project, entityName: $entity) {
                run(name: $name) {
                    projectId
                    ...LightweightRunFragment
                }
            }
        }
        ${LIGHTWEIGHT_RUN_FRAGMENT}
        `;

/** §2.2 operation `Runs` with `lazy=True` (the client's default). */
export const RUNS_QUERY = `#graphql
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
        ${LIGHTWEIGHT_RUN_FRAGMENT}
        `;

/** §2.3 operation `RunFiles`. */
export const RUN_FILES_QUERY = `#graphql
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
            ${RUN_FILES_FRAGMENT}
            `;
