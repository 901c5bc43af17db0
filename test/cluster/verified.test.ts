// The generated README names the cluster the demos were run on (src/generator/verified.ts). That must be this
// test cluster, as it reports itself: the node's kubelet and runtime, runc, the kernel, the cgroup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VERIFIED_CLUSTER } from '../../src/generator/verified.js';
import { memoryCgroupVersion } from '../support/cgroup.js';
import { cluster, kubectl } from './support.js';

test('the cluster the generated README names is the one the cluster tests run on', async () => {
  const c = cluster();
  const node = JSON.parse((await kubectl(c, ['get', 'node', '-o', 'json'])).stdout) as {
    items: { status: { nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string; kernelVersion: string } } }[];
  };
  const info = node.items[0]?.status.nodeInfo;
  assert.ok(info, 'one node');
  assert.equal(info.kubeletVersion, VERIFIED_CLUSTER.kubernetes);
  assert.match(info.containerRuntimeVersion, new RegExp(`^containerd://${VERIFIED_CLUSTER.containerd.slice(1).replace(/\./g, '\\.')}\\b`));
  assert.equal(c.etcdVersion, VERIFIED_CLUSTER.etcd);
  assert.ok(c.runcVersion.startsWith(`${VERIFIED_CLUSTER.runc}+`) || c.runcVersion === VERIFIED_CLUSTER.runc, `runc ${c.runcVersion}`);
  assert.ok(`Linux ${info.kernelVersion}`.startsWith(`${VERIFIED_CLUSTER.kernel}.`), `kernel ${info.kernelVersion}`);
  assert.equal(`v${memoryCgroupVersion()}`, VERIFIED_CLUSTER.cgroup);
});
