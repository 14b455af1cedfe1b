// The entity to use when `project` names none: the viewer's default entity, fetched with the client's own
// `GetDefaultEntity` operation (wandb.md §2.0 "Path parsing"). WANDB_ENTITY is folded into `project` by the
// settings before we get here, so this runs only when neither gave an entity.
import { AuthenticationError, InputError } from '../../../core/errors.ts';
import { WandbInputs as Inputs } from '../inputs.ts';
import { isObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { GET_DEFAULT_ENTITY_QUERY } from '../graphql/queries.ts';

export async function fetchDefaultEntity(gql: WandbGraphqlClient, projectName: string): Promise<string> {
  const data = await gql.query('GetDefaultEntity', GET_DEFAULT_ENTITY_QUERY, {});
  // §2.0: `viewer` may be null (the key belongs to nobody the server knows); `entity` is nullable.
  if (!isObject(data.viewer)) {
    throw new AuthenticationError(
      'W&B did not recognise the API key (it answered with no viewer). Check the api-token input (or WANDB_API_KEY) and api-url.',
    );
  }
  const entity = data.viewer.entity;
  if (typeof entity !== 'string' || entity === '') {
    throw new InputError(
      Inputs.project,
      `'${projectName}' names no entity, and the API key's account has no default entity. Give entity/project (or set WANDB_ENTITY).`,
    );
  }
  return entity;
}
