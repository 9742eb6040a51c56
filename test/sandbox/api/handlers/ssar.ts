/**
 * SelfSubjectAccessReview: "may I?" answered by the same rules that guard real requests. Nothing
 * is stored; the review comes back (201) with its status filled in, as the real server does.
 */
import type { ResourceAttributes } from '../authorizer.js';
import { decodeObject } from '../body.js';
import { invalid } from '../errors.js';
import type { Output } from '../negotiation.js';
import { isObject } from '../patch/json-value.js';
import { writeObject } from '../respond.js';
import type { Call, ServerContext } from './context.js';

export function handleSelfSubjectAccessReview(ctx: ServerContext, call: Call, body: Buffer, out: Output): void {
  const review = decodeObject(body, call.req.headers['content-type'], call.type, call.info.version);
  const spec = isObject(review['spec']) ? review['spec'] : {};
  const ra = isObject(spec['resourceAttributes']) ? spec['resourceAttributes'] : undefined;
  const nra = isObject(spec['nonResourceAttributes']) ? spec['nonResourceAttributes'] : undefined;
  if (!ra === !nra) {
    throw invalid(call.type, '', [
      { type: 'FieldValueInvalid', field: 'spec.resourceAttributes', value: 'null', detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' },
    ]);
  }
  let status: { allowed: boolean; reason?: string };
  if (ra) {
    const attrs: ResourceAttributes = {
      verb: String(ra['verb'] ?? ''),
      group: String(ra['group'] ?? ''),
      resource: String(ra['resource'] ?? ''),
      subresource: String(ra['subresource'] ?? ''),
      namespace: String(ra['namespace'] ?? ''),
      name: String(ra['name'] ?? ''),
    };
    const decision = ctx.authorizer.authorize(attrs);
    status = { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
  } else {
    // Discovery, health and version paths are open to every authenticated user (system:discovery).
    status = { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' };
  }
  const answer = {
    kind: 'SelfSubjectAccessReview',
    apiVersion: review.apiVersion,
    metadata: { creationTimestamp: null },
    spec,
    status,
  };
  writeObject(call.res, 201, answer, out);
}
