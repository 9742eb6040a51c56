/**
 * `-o json|yaml`: the view model as data, schema in docs/status.md. One rollout prints its view;
 * a list wraps the views in `items`; `--watch -o json` prints one compact view per line.
 */
import { stringify } from 'yaml';
import type { HistoryView } from './history.js';
import { STATUS_SCHEMA_VERSION, type StatusView } from './model.js';

export interface StatusList {
  schemaVersion: typeof STATUS_SCHEMA_VERSION;
  items: StatusView[];
}

export function statusList(views: readonly StatusView[]): StatusList {
  return { schemaVersion: STATUS_SCHEMA_VERSION, items: [...views].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)) };
}

export function renderJson(doc: StatusView | StatusList | HistoryView): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Long messages stay on one line: a folded message is harder to grep in a CI log. */
export function renderYaml(doc: StatusView | StatusList | HistoryView): string {
  return stringify(doc, { lineWidth: 0 });
}

/** JSON Lines for `--watch -o json`. */
export function renderJsonLine(view: StatusView): string {
  return `${JSON.stringify(view)}\n`;
}
