/**
 * canary's HTTPRoute rules for header and mirror routes. Cases ported from the Gateway API plugin
 * (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi@96c63fd, pkg/plugin/plugin_test.go),
 * each naming its test; the mirror rules, which the plugin leaves as a no-op (SetMirrorRoute),
 * follow Gateway API's RequestMirror filter (HTTPRouteFilter.requestMirror, `percent`).
 */
import { routeDigest, type ManagedRoute } from '../../src/engine/routes.js';
import { headerMatch, isOwned, parseRuleName, routesIn, ruleName, sourceRules, withRoutes, type HttpRule, type RuleOwner } from '../../src/routing/http-route-rules.js';

const OWNER: RuleOwner = { rollout: 'myapp', routeNamespace: 'apps', servicesNamespace: 'apps', stableService: 'myapp-stable', canaryService: 'myapp-canary' };

const SPLIT: HttpRule = {
  backendRefs: [
    { name: 'myapp-stable', port: 80, weight: 90 },
    { name: 'myapp-canary', port: 8080, weight: 10 },
  ],
};

const header = (value: { kind: 'exact' | 'prefix' | 'regex'; value: string }, name = 'X-Test'): ManagedRoute => ({ kind: 'header', name: 'header-route', match: [{ headerName: name, headerValue: value }] });

describe('header rules (plugin: SetHTTPHeaderRoute and its variants)', () => {
  it('SetHTTPHeaderRoute: a prefix becomes a RegularExpression "<prefix>.*"; the rule is appended, named, to the canary alone', () => {
    const route = header({ kind: 'prefix', value: 'test' });
    const rules = withRoutes(OWNER, [SPLIT], [route]);
    expect(rules).toHaveLength(2);
    expect(rules[0]).toEqual(SPLIT);
    expect(rules[1]).toEqual({
      name: `canary.myapp.header-route-${routeDigest(route)}-0`,
      matches: [{ headers: [{ type: 'RegularExpression', name: 'X-Test', value: 'test.*' }] }],
      filters: [],
      // The port the source rule uses for the canary.
      backendRefs: [{ group: '', kind: 'Service', name: 'myapp-canary', port: 8080 }],
    });
  });

  it.each([
    [{ kind: 'exact', value: 'true' }, { type: 'Exact', name: 'X-Test', value: 'true' }],
    [{ kind: 'prefix', value: 'test' }, { type: 'RegularExpression', name: 'X-Test', value: 'test.*' }],
    // canary escapes the prefix (the plugin does not): a prefix "v1.2" matches only "v1.2...".
    [{ kind: 'prefix', value: 'v1.2' }, { type: 'RegularExpression', name: 'X-Test', value: 'v1\\.2.*' }],
    [{ kind: 'regex', value: '^(a|b)$' }, { type: 'RegularExpression', name: 'X-Test', value: '^(a|b)$' }],
  ] as const)('getHTTPHeaderRouteRuleList: %j -> %j', (m, expected) => {
    expect(headerMatch('X-Test', m)).toEqual(expected);
  });

  it('SetHTTPHeaderRouteWithFilters: the source rule\'s filters are copied', () => {
    const filters = [
      { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'X-Custom-Header', value: 'custom-value' }] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'X-Response-Header', value: 'response-value' }] } },
    ];
    const rules = withRoutes(OWNER, [{ ...SPLIT, filters }], [header({ kind: 'prefix', value: 'test' })]);
    expect(rules[1]!.filters).toEqual(filters);
  });

  it('SetHTTPHeaderRouteWithoutFilters: none copied when the source has none', () => {
    expect(withRoutes(OWNER, [SPLIT], [header({ kind: 'exact', value: 'x' })])[1]!.filters).toEqual([]);
  });

  it('TestSetHTTPHeaderRouteWithExistingHeaders: the source match\'s headers are kept and the canary header added', () => {
    const source = { ...SPLIT, matches: [{ headers: [{ type: 'Exact' as const, name: 'Host', value: 'example.com' }] }] };
    const rules = withRoutes(OWNER, [source], [header({ kind: 'exact', value: 'true' }, 'X-Canary')]);
    expect(rules[1]!.matches).toEqual([
      {
        headers: [
          { type: 'Exact', name: 'Host', value: 'example.com' },
          { type: 'Exact', name: 'X-Canary', value: 'true' },
        ],
      },
    ]);
  });

  it('TestSetHTTPHeaderRouteWithCombinedMatches: path, method and query params of the source match are kept', () => {
    const source: HttpRule = {
      ...SPLIT,
      matches: [
        {
          path: { type: 'PathPrefix', value: '/api' },
          method: 'POST',
          queryParams: [{ type: 'Exact', name: 'version', value: 'v2' }],
          headers: [{ type: 'Exact', name: 'Host', value: 'example.com' }],
        },
      ],
    };
    const [match] = withRoutes(OWNER, [source], [header({ kind: 'exact', value: 'true' }, 'X-Canary')])[1]!.matches!;
    expect(match).toEqual({
      path: { type: 'PathPrefix', value: '/api' },
      method: 'POST',
      queryParams: [{ type: 'Exact', name: 'version', value: 'v2' }],
      headers: [
        { type: 'Exact', name: 'Host', value: 'example.com' },
        { type: 'Exact', name: 'X-Canary', value: 'true' },
      ],
    });
  });

  it('issue #207 (multi-rule routes): one managed rule per source rule, numbered; rules of other backends are not sources', () => {
    const other: HttpRule = { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'myapp-stable', port: 80 }] };
    const second: HttpRule = { ...SPLIT, matches: [{ path: { type: 'PathPrefix', value: '/v2' } }] };
    const route = header({ kind: 'exact', value: 'yes' });
    const rules = withRoutes(OWNER, [SPLIT, other, second], [route]);
    expect(sourceRules(OWNER, rules)).toEqual([SPLIT, second]);
    expect(rules.slice(3).map((r) => r.name)).toEqual([0, 1].map((n) => ruleName(OWNER, 'header-route', routeDigest(route), n)));
    expect(rules.slice(0, 3)).toEqual([SPLIT, other, second]);
  });

  it('RemoveHTTPManagedRoutes: an empty set removes every rule of the Rollout, and only those', () => {
    const foreign: HttpRule = { name: 'canary.other.header-route-0123abcd-0', backendRefs: [{ name: 'other-canary' }] };
    const named: HttpRule = { name: 'header-route', backendRefs: [{ name: 'myapp-canary' }] };
    const withOurs = withRoutes(OWNER, [SPLIT, foreign, named], [header({ kind: 'exact', value: 'x' })]);
    expect(withOurs).toHaveLength(4);
    expect(withRoutes(OWNER, withOurs, [])).toEqual([SPLIT, foreign, named]);
  });

  it('upsert: writing a changed route replaces the old rule, writing the same twice changes nothing', () => {
    const a = header({ kind: 'exact', value: 'a' });
    const b = header({ kind: 'exact', value: 'b' });
    const once = withRoutes(OWNER, [SPLIT], [a]);
    expect(withRoutes(OWNER, once, [a])).toEqual(once);
    const changed = withRoutes(OWNER, once, [b]);
    expect(changed).toHaveLength(2);
    expect(routesIn(OWNER, changed)).toEqual([{ name: 'header-route', digest: routeDigest(b) }]);
  });
});

describe('mirror rules (Gateway API RequestMirror)', () => {
  const mirror: ManagedRoute = {
    kind: 'mirror',
    name: 'mirror-route',
    percentage: 35,
    match: [
      { method: { kind: 'exact', value: 'get' }, path: { kind: 'prefix', value: '/api' }, headers: [] },
      { method: null, path: { kind: 'regex', value: '/v[0-9]+/.*' }, headers: [{ name: 'X-Debug', value: { kind: 'exact', value: '1' } }] },
    ],
  };

  it('copies the source rule with its weights, narrows it to each mirror match, and mirrors `percent` to the canary', () => {
    const rules = withRoutes(OWNER, [SPLIT], [mirror]);
    expect(rules[1]).toEqual({
      name: `canary.myapp.mirror-route-${routeDigest(mirror)}-0`,
      matches: [
        { path: { type: 'PathPrefix', value: '/api' }, method: 'GET', headers: [] },
        { path: { type: 'RegularExpression', value: '/v[0-9]+/.*' }, headers: [{ type: 'Exact', name: 'X-Debug', value: '1' }] },
      ],
      filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'myapp-canary', port: 8080 }, percent: 35 } }],
      backendRefs: SPLIT.backendRefs,
    });
    // Its backends split as the source does: setWeight writes both (they reference stable and canary).
    expect(sourceRules(OWNER, rules)).toEqual([SPLIT]);
  });
});

describe('rule names: ownership', () => {
  it.each([
    ['canary.myapp.tagged-0123abcd-0', { name: 'tagged', digest: '0123abcd' }],
    ['canary.myapp.tag-ged-0123abcd-12', { name: 'tag-ged', digest: '0123abcd' }],
    // Another Rollout's, even one whose name starts with this one's.
    ['canary.myapp.b.tagged-0123abcd-0', null],
    ['canary.other.tagged-0123abcd-0', null],
    // The user's own rules, named or not.
    ['tagged', null],
    [undefined, null],
    ['canary.myapp.tagged', null],
  ])('%s -> %j', (name, expected) => {
    expect(parseRuleName(OWNER, name)).toEqual(expected);
    expect(isOwned(OWNER, { name } as HttpRule)).toBe(expected !== null);
  });

  it('fits Gateway API\'s rule name pattern', () => {
    expect(ruleName(OWNER, 'tagged', '0123abcd', 3)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
  });
});
