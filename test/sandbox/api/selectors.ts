/**
 * List and watch selectors: syntax as the store parses it, and only the field labels the real
 * server supports for the type (`field label not supported: spec.foo`, 400).
 */
import { parseFieldSelector, parseLabelSelector } from '../store/selectors.js';
import type { ResourceType } from '../store/types.js';
import { fieldLabels, storageFieldSelector } from './conversion.js';
import { badRequest } from './errors.js';

export interface Selectors {
  labelSelector?: string;
  /** In the storage type's field names. */
  fieldSelector?: string;
}

export function selectorsOf(type: ResourceType, query: URLSearchParams): Selectors {
  const labelSelector = query.get('labelSelector') ?? undefined;
  const fieldSelector = query.get('fieldSelector') ?? undefined;
  parseLabelSelector(labelSelector);
  parseFieldSelector(fieldSelector);
  if (fieldSelector && fieldSelector.trim()) {
    const supported = fieldLabels(type);
    for (const part of fieldSelector.split(',')) {
      const label = /^\s*([A-Za-z0-9_.]+)/.exec(part)?.[1] ?? part;
      if (!supported.includes(label)) throw badRequest(`field label not supported: ${label}`);
    }
  }
  return {
    ...(labelSelector ? { labelSelector } : {}),
    ...(fieldSelector ? { fieldSelector: storageFieldSelector(type, fieldSelector)! } : {}),
  };
}
