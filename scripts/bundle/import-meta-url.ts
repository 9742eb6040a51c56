/**
 * import.meta.url inside the CommonJS bundle (scripts/bundle/main.ts injects it where a module reads
 * it): the bundle's own file, which sits where tsc's cli/main.js does.
 */
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
