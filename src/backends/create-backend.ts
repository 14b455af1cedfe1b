// Picks the backend a Settings object names. The shells call `checkBackendSettings` before any network
// call, so backend-specific input errors (a malformed token, an empty regex…) fail as early as generic ones.
import type { Source, SourceContext } from '../core/source.ts';
import type { Settings } from '../settings/parse-settings.ts';
import { createNeptuneBackend, parseNeptuneToken, validateNeptuneSelection } from './neptune/index.ts';
import { createWandbBackend, validateWandbSelection } from './wandb/index.ts';

export function checkBackendSettings(settings: Settings): void {
  if (settings.selection.backend === 'neptune') {
    parseNeptuneToken(settings.token);
    validateNeptuneSelection(settings.selection);
  } else {
    validateWandbSelection(settings.selection, wandbOptions(settings));
  }
}

export function createBackend(settings: Settings, ctx: SourceContext): Source {
  if (settings.selection.backend === 'neptune') {
    return createNeptuneBackend(settings.selection, { apiToken: settings.token, apiUrl: settings.apiUrl }, ctx);
  }
  return createWandbBackend(settings.selection, wandbOptions(settings), ctx);
}

function wandbOptions(settings: Settings): { apiKey: string; baseUrl?: string; perPage?: number } {
  return { apiKey: settings.token, baseUrl: settings.apiUrl, perPage: settings.perPage };
}
