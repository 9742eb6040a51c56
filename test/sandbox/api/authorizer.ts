/**
 * Authorization from a rule list, RBAC-style: a request is allowed when some rule matches it
 * (default: one rule allowing everything). The same decision answers SelfSubjectAccessReviews and
 * guards real requests, with the real 403 wording. Rules can change while the server runs.
 */

/** One allow rule, shaped like an RBAC PolicyRule plus an optional namespace scope. */
export interface AccessRule {
  /** get, list, watch, create, update, patch, delete, deletecollection, or '*'. */
  verbs: string[];
  /** '' is the core group; '*' any group. */
  apiGroups: string[];
  /** 'deployments', 'deployments/status', 'services/proxy', '*' (any resource, any subresource), 'deployments/*'. */
  resources: string[];
  /** Only these object names (absent: any). A list or create has no name and never matches a named rule. */
  resourceNames?: string[];
  /** Only in these namespaces (absent: everywhere, like a ClusterRoleBinding). '' means cluster-scoped requests. */
  namespaces?: string[];
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  version?: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export const ALLOW_ALL: AccessRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];

export interface AuthorizerOptions {
  /** The user every valid token authenticates as (`User "canary-user" cannot ...`). */
  user?: string;
  rules?: AccessRule[];
}

export class Authorizer {
  readonly user: string;
  readonly groups = ['system:authenticated'];
  private current: AccessRule[];

  constructor(options: AuthorizerOptions = {}) {
    this.user = options.user ?? 'canary-user';
    this.current = structuredClone(options.rules ?? ALLOW_ALL);
  }

  get rules(): AccessRule[] {
    return structuredClone(this.current);
  }

  /** Replace the rules; takes effect for the next request. */
  setRules(rules: AccessRule[]): void {
    this.current = structuredClone(rules);
  }

  allowAll(): void {
    this.setRules(ALLOW_ALL);
  }

  authorize(a: ResourceAttributes): Decision {
    // Every authenticated user may ask what they may do (the system:basic-user ClusterRole).
    if (a.group === 'authorization.k8s.io' && a.resource === 'selfsubjectaccessreviews' && a.verb === 'create') {
      return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"' };
    }
    const i = this.current.findIndex((r) => matches(r, a));
    if (i >= 0) return { allowed: true, reason: `RBAC: allowed by sandbox rule #${i}` };
    return { allowed: false, reason: '' };
  }

  /**
   * The real server's forbidden message (responsewriters.forbiddenMessage):
   * `User "u" cannot patch resource "deployments" in API group "apps" in the namespace "apps"`.
   */
  forbiddenMessage(a: ResourceAttributes): string {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    return `User "${this.user}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`;
  }
}

function matches(r: AccessRule, a: ResourceAttributes): boolean {
  if (!r.verbs.includes('*') && !r.verbs.includes(a.verb)) return false;
  if (!r.apiGroups.includes('*') && !r.apiGroups.includes(a.group)) return false;
  if (!resourceMatches(r.resources, a.resource, a.subresource)) return false;
  if (r.resourceNames && r.resourceNames.length > 0 && !r.resourceNames.includes(a.name)) return false;
  if (r.namespaces && !r.namespaces.includes(a.namespace)) return false;
  return true;
}

/** RBAC's ResourceMatches: '*' matches everything, 'x/*' every subresource of x, else exact. */
function resourceMatches(resources: string[], resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return resources.some((r) => r === '*' || r === combined || (subresource !== '' && r === `${resource}/*`) || (subresource !== '' && r === `*/${subresource}`));
}
