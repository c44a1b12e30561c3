import { invalidArgument } from './errors';
import { readPayload, type Payload } from './proto';
import type { Namespace, Run } from './state';

/** INDEXED_VALUE_TYPE_KEYWORD -> Keyword: the `type` metadata the SDK reads on search attribute payloads. */
export function metadataType(indexedValueType: string): string {
  const names: Record<string, string> = {
    INDEXED_VALUE_TYPE_TEXT: 'Text',
    INDEXED_VALUE_TYPE_KEYWORD: 'Keyword',
    INDEXED_VALUE_TYPE_INT: 'Int',
    INDEXED_VALUE_TYPE_DOUBLE: 'Double',
    INDEXED_VALUE_TYPE_BOOL: 'Bool',
    INDEXED_VALUE_TYPE_DATETIME: 'Datetime',
    INDEXED_VALUE_TYPE_KEYWORD_LIST: 'KeywordList',
  };
  return names[indexedValueType] ?? 'Keyword';
}

function isEmpty(payload: Payload): boolean {
  return !payload.data || payload.data.length === 0;
}

function checkValue(name: string, type: string, value: unknown): void {
  const ok = (v: unknown): boolean => {
    switch (type) {
      case 'INDEXED_VALUE_TYPE_INT':
        return Number.isInteger(v);
      case 'INDEXED_VALUE_TYPE_DOUBLE':
        return typeof v === 'number';
      case 'INDEXED_VALUE_TYPE_BOOL':
        return typeof v === 'boolean';
      case 'INDEXED_VALUE_TYPE_DATETIME':
        return typeof v === 'string' && !Number.isNaN(Date.parse(v));
      default:
        return typeof v === 'string';
    }
  };
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  if (!values.every(ok))
    throw invalidArgument(
      `invalid value for search attribute ${name} of type ${metadataType(type)}: ${JSON.stringify(value)}`,
    );
}

/**
 * Validates search attributes against the namespace's registered ones (unknown name or wrong value type:
 * INVALID_ARGUMENT, as the server) and returns them with the `type` metadata set.
 */
export function validateSearchAttributes(
  ns: Namespace,
  fields: Record<string, Payload> | undefined,
): Record<string, Payload> {
  const out: Record<string, Payload> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const type = ns.searchAttributes.get(name);
    if (!type)
      throw invalidArgument(`Namespace ${ns.name} has no mapping defined for search attribute ${name}`);
    if (isEmpty(payload)) {
      out[name] = payload;
      continue;
    }
    let value: unknown;
    try {
      value = readPayload(payload);
    } catch (error) {
      throw invalidArgument(`malformed payload for search attribute ${name}: ${(error as Error).message}`);
    }
    if (value === null) {
      // A null value removes the attribute, as the server does for `{ key, value: null }` upserts.
      out[name] = payload;
      continue;
    }
    checkValue(name, type, value);
    out[name] = {
      data: payload.data,
      metadata: { ...payload.metadata, type: Buffer.from(metadataType(type)) },
    };
  }
  return out;
}

/** Applies an upsert: values replace, empty payloads remove. */
export function mergeSearchAttributes(run: Run, fields: Record<string, Payload>): void {
  for (const [name, payload] of Object.entries(validateSearchAttributes(run.ns, fields))) {
    if (
      isEmpty(payload) ||
      readPayload(payload) === null ||
      (Array.isArray(readPayload(payload)) && (readPayload(payload) as unknown[]).length === 0)
    ) {
      delete run.searchAttributes[name];
    } else {
      run.searchAttributes[name] = payload;
    }
  }
}
