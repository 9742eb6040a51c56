/**
 * setHeaderRoute and setMirrorRoute steps and trafficRouting.managedRoutes, with Argo's validation
 * (pkg/apis/rollouts/validation: hasMultipleMatchValues, ValidateStepRouteFoundInManagedRoute).
 * Whether the Rollout's router can write them is the router's to say (routing/registry.ts).
 */
import { isRecord, type Reader } from './reader.js';
import type { HeaderRouteChange, HeaderRouteMatch, ManagedRouteName, MirrorRouteChange, RequestMatch, StringMatch } from './types.js';

/** Route names become part of HTTPRoute rule names: a DNS label keeps them valid there. */
const ROUTE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;

export function readManagedRoutes(r: Reader): ManagedRouteName[] {
  const out: ManagedRouteName[] = [];
  for (const item of r.list()) {
    const m = item.object({ known: ['name'] });
    const f = m?.field('name');
    const name = f?.string({ required: true });
    if (!f || !name) continue;
    if (!ROUTE_NAME.test(name) || name.length > 63) {
      f.error(`managed route name "${name}" must be a DNS label (lowercase letters, digits and '-', at most 63): canary names route rules after it`);
      continue;
    }
    if (out.some((o) => o.name === name)) {
      f.error(`managed route "${name}" is listed twice`);
      continue;
    }
    out.push({ loc: f.loc(), name });
  }
  return out;
}

export function readHeaderRoute(f: Reader): HeaderRouteChange | null {
  const h = f.object({ known: ['name', 'match'] });
  if (!h) return null;
  const name = h.field('name').string({ required: true });
  const matchField = h.field('match');
  // Argo: a setHeaderRoute without match (or an empty one) removes the route.
  const items = matchField.list();
  const match: HeaderRouteMatch[] = [];
  let ok = name !== null;
  for (const item of items) {
    const m = item.object({ known: ['headerName', 'headerValue'] });
    if (!m) {
      ok = false;
      continue;
    }
    const headerName = m.field('headerName').string({ required: true });
    const headerValue = readStringMatch(m.field('headerValue'), { required: true });
    if (headerName === null || headerValue === null) ok = false;
    else match.push({ headerName, headerValue });
  }
  if (!ok) return null;
  return { kind: 'setHeaderRoute', loc: f.loc(), name: name!, match: items.length === 0 ? null : match };
}

export function readMirrorRoute(f: Reader): MirrorRouteChange | null {
  const m = f.object({ known: ['name', 'match', 'percentage'] });
  if (!m) return null;
  const name = m.field('name').string({ required: true });
  const pct = m.field('percentage');
  const percentage = pct.present ? pct.int({ min: 0, max: 100 }) : 100;
  const items = m.field('match').list();
  const match: RequestMatch[] = [];
  let ok = name !== null && percentage !== null;
  for (const item of items) {
    const rm = readRequestMatch(item);
    if (rm) match.push(rm);
    else ok = false;
  }
  if (!ok) return null;
  return { kind: 'setMirrorRoute', loc: f.loc(), name: name!, percentage: percentage!, match: items.length === 0 ? null : match };
}

function readRequestMatch(item: Reader): RequestMatch | null {
  const r = item.object({ known: ['method', 'path', 'headers'] });
  if (!r) return null;
  let ok = true;
  const method = readStringMatch(r.field('method'), { required: false });
  const path = readStringMatch(r.field('path'), { required: false });
  if ((r.field('method').present && !method) || (r.field('path').present && !path)) ok = false;
  const headers: RequestMatch['headers'] = [];
  const h = r.field('headers');
  if (h.present && !isRecord(h.value)) {
    h.error('expected a mapping of header names to matches (exact, prefix or regex)');
    ok = false;
  } else if (h.present) {
    for (const key of Object.keys(h.value as object)) {
      const value = readStringMatch(h.field(key), { required: true });
      if (value) headers.push({ name: key, value });
      else ok = false;
    }
  }
  if (!method && !path && headers.length === 0 && ok) {
    r.error('a mirror match needs at least one of method, path or headers: without one it would mirror every request; leave match out to remove the route');
    return null;
  }
  return ok ? { method, path, headers } : null;
}

/** Argo's StringMatch: exactly one of exact, prefix, regex (hasMultipleMatchValues). A regex must compile. */
export function readStringMatch(r: Reader, options: { required: boolean }): StringMatch | null {
  if (!r.present) return options.required ? r.error('required field is missing: set one of exact, prefix or regex', 'key') : null;
  const s = r.object({ known: MATCH_KINDS });
  if (!s) return null;
  const set = MATCH_KINDS.filter((k) => s.field(k).present);
  if (set.length !== 1) {
    return s.error(set.length === 0 ? 'set one of exact, prefix or regex' : `set exactly one of exact, prefix or regex, not ${set.join(' and ')}`);
  }
  const kind = set[0]!;
  const value = s.field(kind).scalarString({ required: true });
  if (value === null) return null;
  if (value === '') return s.field(kind).error(`${kind} must not be empty (Argo reads an empty value as unset)`);
  if (kind === 'regex') {
    try {
      new RegExp(value);
    } catch (err) {
      return s.field(kind).error(`not a valid regular expression: ${(err as Error).message}`);
    }
  }
  return { kind, value };
}
