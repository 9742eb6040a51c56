/**
 * The agent's Node, registered as a kubelet registers itself: the object, then its status (Ready,
 * addresses, capacity). The controller manager runs no node lifecycle controller (control-plane.ts),
 * so nothing marks it NotReady between heartbeats and the agent sends none.
 */
import type { Kube } from './kube.js';

/** The node's address (the pods' hostIP in the world's kubelet); a name only, nothing dials it. */
export const NODE_IP = '172.18.0.2';

export async function registerNode(kube: Kube, name: string): Promise<void> {
  await kube.must('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } },
    spec: { podCIDR: '10.244.0.0/16', podCIDRs: ['10.244.0.0/16'] },
  });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  await kube.must(
    'PATCH',
    `/api/v1/nodes/${name}/status`,
    {
      status: {
        conditions: [
          condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
          condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
          condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
          condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
        ],
        addresses: [
          { type: 'InternalIP', address: NODE_IP },
          { type: 'Hostname', address: name },
        ],
        capacity: { cpu: '2', memory: '24Gi', pods: '110' },
        allocatable: { cpu: '2', memory: '24Gi', pods: '110' },
        nodeInfo: {
          machineID: '',
          systemUUID: '',
          bootID: '',
          kernelVersion: '',
          osImage: 'canary node agent',
          containerRuntimeVersion: 'canary://sandbox-world',
          kubeletVersion: '',
          kubeProxyVersion: '',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    },
    'application/merge-patch+json',
  );
}
