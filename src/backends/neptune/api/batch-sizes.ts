// Page and batch sizes of the Neptune requests: the official client's defaults (neptune.md §8.3), overridable
// with the client's own environment variables, and by the caller (tests) on top.
import { InputError } from '../../../core/errors.ts';

export interface NeptuneBatchSizes {
  /** Runs per search page (§4.4). */
  searchPage: number;
  /** Definitions per attribute-definitions page (§5.1). */
  attributeDefinitionsPage: number;
  /** Values per attribute-values page, and the runs × attributes cap of one request (§6.2). */
  attributeValues: number;
  /** (run, attribute) pairs per series request (§6.3). */
  seriesPairs: number;
  /** Files per signedUrl request (§7.1). */
  filesPerSigning: number;
  /** Request-size budget: 50 bytes per run id plus attribute-name bytes (§5.4, §6.2). */
  maxRequestSize: number;
  /** UTF-8 bytes of exact names per attribute-definitions request (§5.2). */
  maxAttributeFilterSize: number;
}

export const DEFAULT_BATCH_SIZES: NeptuneBatchSizes = {
  searchPage: 10_000,
  attributeDefinitionsPage: 10_000,
  attributeValues: 10_000,
  seriesPairs: 10_000,
  filesPerSigning: 200,
  maxRequestSize: 220_000,
  maxAttributeFilterSize: 60_000,
};

/** The official variable names (§8.3; note EXPERIMENT in the first, unlike the client's constant name). */
export const BATCH_SIZE_VARIABLES: Readonly<Record<keyof NeptuneBatchSizes, string>> = {
  searchPage: 'NEPTUNE_QUERY_EXPERIMENT_SYS_ATTRS_BATCH_SIZE',
  attributeDefinitionsPage: 'NEPTUNE_QUERY_ATTRIBUTE_DEFINITIONS_BATCH_SIZE',
  attributeValues: 'NEPTUNE_QUERY_ATTRIBUTE_VALUES_BATCH_SIZE',
  seriesPairs: 'NEPTUNE_QUERY_SERIES_BATCH_SIZE',
  filesPerSigning: 'NEPTUNE_QUERY_FILES_BATCH_SIZE',
  maxRequestSize: 'NEPTUNE_QUERY_MAX_REQUEST_SIZE',
  maxAttributeFilterSize: 'NEPTUNE_QUERY_MAX_ATTRIBUTE_FILTER_SIZE',
};

/** Explicit values win over the environment, which wins over the defaults. A bad variable is an InputError naming it. */
export function resolveBatchSizes(
  explicit: Partial<NeptuneBatchSizes> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): NeptuneBatchSizes {
  const out = { ...DEFAULT_BATCH_SIZES };
  for (const key of Object.keys(out) as (keyof NeptuneBatchSizes)[]) {
    const variable = BATCH_SIZE_VARIABLES[key];
    const raw = env[variable]?.trim();
    if (raw !== undefined && raw !== '') {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new InputError(variable, `'${raw}' is not a whole number ≥ 1.`);
      out[key] = n;
    }
    const given = explicit?.[key];
    if (given !== undefined) {
      if (!Number.isSafeInteger(given) || given < 1) throw new InputError(variable, `${given} is not a whole number ≥ 1.`);
      out[key] = given;
    }
  }
  return out;
}
