/** strategy.canary.trafficRouting.istio, with Argo's field names: virtualService or virtualServices, optional destinationRule. */
import type { Reader } from './reader.js';
import type { IstioDestinationRule, IstioVirtualService, TrafficRouting } from './types.js';

export function readIstio(field: Reader): TrafficRouting {
  const istio = field.object({ known: ['virtualService', 'virtualServices', 'destinationRule'] });
  if (!istio) return { kind: 'none' };
  const single = istio.field('virtualService');
  const several = istio.field('virtualServices');
  // Argo's ValidateRolloutVirtualServicesConfig: exactly one of the two.
  const both = single.present && several.present;
  if (both) several.error('set either virtualService or virtualServices, not both', 'key');
  if (!single.present && !several.present) {
    istio.error('name the VirtualService whose weights canary writes: virtualService: {name: <name>, routes: [...]}');
  }
  const refs = [...(single.present ? [single] : []), ...several.list()];
  if (several.present && !single.present && refs.length === 0) several.error('list at least one VirtualService');
  const virtualServices = refs.map(readVirtualService).filter((v): v is IstioVirtualService => v !== null);
  const destinationRule = readDestinationRule(istio.field('destinationRule'));
  if (both || virtualServices.length !== refs.length || virtualServices.length === 0) return { kind: 'none' };
  return { kind: 'istio', loc: field.loc(), virtualServices, destinationRule };
}

function readVirtualService(r: Reader): IstioVirtualService | null {
  const vs = r.object({ known: ['name', 'routes', 'tlsRoutes', 'tcpRoutes'] }, { required: true });
  if (!vs) return null;
  const name = vs.field('name').string({ required: true });
  const routes = vs.field('routes').list().map((x) => x.string({ required: true })).filter((x): x is string => x !== null);
  const tlsRoutes = vs.field('tlsRoutes').list().flatMap((x) => {
    const t = x.object({ known: ['port', 'sniHosts'] }, { required: true });
    if (!t) return [];
    const sniHosts = t.field('sniHosts').list().map((h) => h.string({ required: true })).filter((h): h is string => h !== null);
    return [{ port: t.field('port').int({ min: 1, max: 65535 }), sniHosts }];
  });
  const tcpRoutes = vs.field('tcpRoutes').list().flatMap((x) => {
    const t = x.object({ known: ['port'] }, { required: true });
    return t ? [{ port: t.field('port').int({ min: 1, max: 65535 }) }] : [];
  });
  return name === null ? null : { name, routes, tlsRoutes, tcpRoutes };
}

function readDestinationRule(r: Reader): IstioDestinationRule | null {
  const dr = r.object({ known: ['name', 'canarySubsetName', 'stableSubsetName', 'additionalSubsetNames'] });
  if (!dr) return null;
  const name = dr.field('name').string({ required: true });
  const canarySubsetName = dr.field('canarySubsetName').string({ required: true });
  const stableSubsetName = dr.field('stableSubsetName').string({ required: true });
  if (canarySubsetName !== null && canarySubsetName === stableSubsetName) dr.field('stableSubsetName').error('the stable and canary subsets must differ');
  const additionalSubsetNames = dr.field('additionalSubsetNames').list().map((x) => x.string({ required: true })).filter((x): x is string => x !== null);
  if (name === null || canarySubsetName === null || stableSubsetName === null) return null;
  return { name, canarySubsetName, stableSubsetName, additionalSubsetNames };
}
