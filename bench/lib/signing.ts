// The URLs the baselines fetch, obtained from the emulator the way a client would (outside the timed loop):
// Neptune storage paths signed through the storage bridge (neptune.md §2.2, §7.1), W&B file URLs (wandb.md
// §2.3: `url` on the API host, answering 302 to signed storage), optionally resolved to their storage URL.
import { Agent, request } from 'undici';
import type { BareGetRequest } from '../baselines/bare-get.ts';
import {
  BENCH_NEPTUNE_PROJECT,
  BENCH_WANDB_API_KEY,
  BENCH_WANDB_ARTIFACT,
  BENCH_WANDB_ENTITY,
  BENCH_WANDB_PROJECT,
  BENCH_WANDB_RUN,
} from '../fixtures/bench-fixture.ts';
import type { EmulatorInfo } from './emulator-process.ts';

/** Files per signing request: larger than the client's 200 (neptune.md §7.1); the count of these requests is not measured. */
const SIGN_BATCH = 1000;
/** The Azure SDK's first range (neptune.md §7.2), as the action sends it; a bench file is always smaller. */
const AZURE_FIRST_RANGE = `bytes=0-${32 * 1024 * 1024 - 1}`;
const AZURE_VERSION = '2021-08-06';

async function json(res: Awaited<ReturnType<typeof request>>, what: string): Promise<unknown> {
  if (res.statusCode !== 200) throw new Error(`${what}: HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`);
  return res.body.json();
}

/** Signs `paths` (in order) and returns GET requests as the action would send them per provider. */
export async function neptuneSignedRequests(info: EmulatorInfo, paths: readonly string[]): Promise<BareGetRequest[]> {
  const neptune = info.neptune;
  if (!neptune) throw new Error('no Neptune emulator');
  const agent = new Agent({ connections: 4 });
  try {
    const token = (await json(
      await request(`${neptune.url}/api/backend/v1/authorization/oauth-token`, {
        headers: { 'x-neptune-api-token': neptune.apiToken },
        dispatcher: agent,
      }),
      'oauth-token',
    )) as { accessToken: string };
    const out: BareGetRequest[] = [];
    for (let i = 0; i < paths.length; i += SIGN_BATCH) {
      const files = paths.slice(i, i + SIGN_BATCH).map((p) => ({ path: p, project_identifier: BENCH_NEPTUNE_PROJECT, permission: 'read' }));
      const answer = (await json(
        await request(`${neptune.url}/api/storagebridge/v1/signedUrl`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ files }),
          dispatcher: agent,
        }),
        'signedUrl',
      )) as { files: { url: string; provider: string }[] };
      for (const f of answer.files) {
        out.push(
          f.provider === 'azure'
            ? { url: f.url, headers: { 'x-ms-version': AZURE_VERSION, 'x-ms-range': AZURE_FIRST_RANGE } }
            : { url: f.url },
        );
      }
    }
    return out;
  } finally {
    await agent.close();
  }
}

/** The W&B file URLs (API host, Basic auth): each costs a 302 and a storage GET, as in the protocol. */
export function wandbFileRequests(info: EmulatorInfo, names: readonly string[]): BareGetRequest[] {
  const wandb = info.wandb;
  if (!wandb) throw new Error('no W&B emulator');
  const auth = `Basic ${Buffer.from(`api:${BENCH_WANDB_API_KEY}`).toString('base64')}`;
  const seg = encodeURIComponent;
  return names.map((name) => ({
    url: `${wandb.url}/files/${seg(BENCH_WANDB_ENTITY)}/${seg(BENCH_WANDB_PROJECT)}/${seg(BENCH_WANDB_RUN)}/${seg(name)}`,
    headers: { authorization: auth },
  }));
}

/** Follows each file URL's redirect once (untimed), so a baseline can fetch the storage URLs alone. */
export async function resolveRedirects(items: readonly BareGetRequest[]): Promise<BareGetRequest[]> {
  const agent = new Agent({ connections: 16 });
  try {
    const out: BareGetRequest[] = new Array<BareGetRequest>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next;
        next += 1;
        const item = items[i] as BareGetRequest;
        const res = await request(item.url, { headers: item.headers, dispatcher: agent });
        await res.body.dump();
        const location = res.headers.location;
        if (res.statusCode !== 302 || typeof location !== 'string') throw new Error(`${item.url}: expected a 302, got ${res.statusCode}`);
        out[i] = { url: new URL(location, item.url).toString() };
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return out;
  } finally {
    await agent.close();
  }
}

/**
 * The signed storage URLs of every entry of the S6 version, listed as the client lists them
 * (`GetArtifactMembershipFileUrls`, wandb-artifacts.md §5.1); each is one storage GET without a credential.
 */
export async function wandbArtifactRequests(info: EmulatorInfo): Promise<BareGetRequest[]> {
  const wandb = info.wandb;
  if (!wandb) throw new Error('no W&B emulator');
  const auth = `Basic ${Buffer.from(`api:${BENCH_WANDB_API_KEY}`).toString('base64')}`;
  const query = `query GetArtifactMembershipFileUrls($entity: String!, $project: String!, $collection: String!, $alias: String!, $cursor: String, $perPage: Int) {
  project(name: $project, entityName: $entity) { artifactCollection(name: $collection) { artifactMembership(aliasName: $alias) {
    files(after: $cursor, first: $perPage) { pageInfo { endCursor hasNextPage } edges { node { name directUrl } } } } } } }`;
  const agent = new Agent({ connections: 1 });
  const out: BareGetRequest[] = [];
  try {
    let cursor: string | null = null;
    for (;;) {
      const variables = {
        entity: BENCH_WANDB_ENTITY,
        project: BENCH_WANDB_PROJECT,
        collection: BENCH_WANDB_ARTIFACT,
        alias: 'v0',
        cursor,
        perPage: 5000,
      };
      const answer = (await json(
        await request(`${wandb.url}/graphql`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
          dispatcher: agent,
        }),
        'GetArtifactMembershipFileUrls',
      )) as {
        data: { project: { artifactCollection: { artifactMembership: { files: FileUrlPage } } } };
      };
      const files = answer.data.project.artifactCollection.artifactMembership.files;
      for (const e of files.edges) out.push({ url: e.node.directUrl });
      if (!files.pageInfo.hasNextPage) return out;
      cursor = files.pageInfo.endCursor;
    }
  } finally {
    await agent.close();
  }
}

interface FileUrlPage {
  pageInfo: { endCursor: string; hasNextPage: boolean };
  edges: { node: { name: string; directUrl: string } }[];
}
