/**
 * Datadog's v2 scalar answer (`data.attributes.columns`, each a `number` column of values, null
 * where a group has no data, or a `group` column of tag values per row), read as Argo reads it:
 * the first number column's non-null values, each row labelled by joining every group column's
 * tags; `data.errors` is an error. Pure.
 */
export type ScalarAnswer =
  | { ok: true; values: number[]; grouped: boolean; metadata: Record<string, string> }
  | { ok: false; message: string };

interface Column {
  name?: unknown;
  type?: unknown;
  values?: unknown;
}

/** Argo keeps at most this many groups in metadata (the extremes when it cuts). */
const MAX_GROUPS = 100;

export function readScalarColumns(body: string): ScalarAnswer {
  let doc: { data?: { attributes?: { columns?: unknown }; errors?: unknown } };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch (err) {
    return { ok: false, message: `Could not parse JSON body: ${(err as Error).message}` };
  }
  if (typeof doc?.data?.errors === 'string' && doc.data.errors !== '') return { ok: false, message: `There were errors in your query: ${doc.data.errors}` };
  const columns = doc?.data?.attributes?.columns ?? [];
  if (!Array.isArray(columns)) return { ok: false, message: 'Could not parse JSON body: columns is not a list' };
  for (const c of columns as Column[]) {
    if (c?.values !== undefined && c.values !== null && !Array.isArray(c.values)) return { ok: false, message: `Could not parse JSON body: the values of column ${JSON.stringify(c.name ?? '')} are not a list` };
  }
  const numberColumn = (columns as Column[]).find((c) => c?.type === undefined || c.type === '' || c.type === 'number');
  const groupColumns = (columns as Column[]).filter((c) => c?.type === 'group');
  const grouped = groupColumns.length > 0;
  if (!numberColumn) return { ok: true, values: [], grouped, metadata: {} };
  const values: number[] = [];
  const groups: { name: string; value: number }[] = [];
  for (const [i, raw] of ((numberColumn.values as unknown[] | null) ?? []).entries()) {
    if (raw === null) continue;
    // Quoted as Argo quotes the raw JSON (%q): a string value shows its own quotes escaped.
    if (typeof raw !== 'number') return { ok: false, message: `could not parse numeric value ${JSON.stringify(JSON.stringify(raw))} in column ${JSON.stringify(numberColumn.name ?? '')}` };
    values.push(raw);
    if (!grouped) continue;
    const name = groupName(groupColumns, i);
    if (name === null) return { ok: false, message: `could not parse group label at index ${i}` };
    groups.push({ name, value: raw });
  }
  return { ok: true, values, grouped, metadata: grouped && values.length > 0 ? groupsMetadata(groups) : {} };
}

/** The row's tags across every group column (`by {region, host}` gives one column per tag), joined with commas. */
function groupName(columns: Column[], row: number): string | null {
  const parts: string[] = [];
  for (const c of columns) {
    const tags = (c.values as unknown[] | null)?.[row];
    if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === 'string')) return null;
    parts.push(...(tags as string[]));
  }
  return parts.join(',');
}

function groupsMetadata(groups: { name: string; value: number }[]): Record<string, string> {
  if (groups.length <= MAX_GROUPS) return { groups: JSON.stringify(groups) };
  const sorted = [...groups].sort((a, b) => a.value - b.value);
  const low = MAX_GROUPS / 2;
  return { groups: JSON.stringify([...sorted.slice(0, low), ...sorted.slice(sorted.length - (MAX_GROUPS - low))]), groups_truncated: 'true' };
}
