#!/usr/bin/env bash
# A single-node Kubernetes on this machine from upstream components, for the tests: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and a kubelet on containerd + runc, pods
# on a CNI bridge. Modelled on kubernetes' hack/local-up-cluster.sh, cut down to what a crash demo
# needs (no kube-proxy, no DNS, no cloud provider).
#
#   bash test/cluster/up.sh [--kubelet-config FILE]
#
# Idempotent: builds what is missing (build.sh, cached), starts what is not running, waits until the
# node is Ready and the `default` service account exists, then prints `export KUBECONFIG=...`.
# --kubelet-config FILE appends FILE (KubeletConfiguration fields, e.g. featureGates and
# crashLoopBackOff) to the kubelet's configuration and restarts the kubelet when that changes it;
# without it the kubelet runs with the defaults. Running pods survive a kubelet restart.
#
# Network: every component listens on 127.0.0.1 only. Pods get addresses from POD_SUBNET on a bridge
# this script's CNI config creates, with no masquerade and no default route, so nothing in a pod can
# reach past the machine. Services get ClusterIPs from SERVICE_SUBNET (no kube-proxy: nothing routes
# them; the demo reaches pods through `kubectl port-forward`). Both lie inside 100.64.0.0/10.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"

kubelet_extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kubelet-config) [ $# -ge 2 ] || fail "--kubelet-config needs a file"; kubelet_extra="$2"; shift 2 ;;
    --kubelet-config=*) kubelet_extra="${1#*=}"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument \"$1\": use --kubelet-config FILE or --help" ;;
  esac
done
[ -z "$kubelet_extra" ] || [ -r "$kubelet_extra" ] || fail "--kubelet-config $kubelet_extra: no such readable file"

[ "$(id -u)" = 0 ] || fail "run as root: the kubelet and containerd manage cgroups, mounts and network namespaces"
for tool in openssl runc ip; do command -v "$tool" >/dev/null || fail "$tool not found: run bash test/setup-machine.sh"; done
[ -x "$CNI_BIN_DIR/bridge" ] && [ -x "$CNI_BIN_DIR/host-local" ] && [ -x "$CNI_BIN_DIR/loopback" ] \
  || fail "CNI plugins not found in $CNI_BIN_DIR: run bash test/setup-machine.sh (Debian's containernetworking-plugins)"

mkdir -p "$STATE" "$LOGS" "$PIDS"
t0=$SECONDS
bash "$here/build.sh" >/dev/null || fail "building the cluster's components failed (see the lines above)"
say "components ready in $CLUSTER_CACHE/bin ($((SECONDS - t0))s)"
export PATH="$BIN:$PATH"

# ---- certificates and kubeconfigs (one CA; made once per state dir) -----------------------------
pki="$STATE/pki"
cert() { # name subject [subjectAltName]
  local name="$1" subj="$2" san="${3:-}"
  [ -s "$pki/$name.crt" ] && return 0
  openssl genrsa -out "$pki/$name.key" 2048 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
  local ext="$pki/$name.ext"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' \
    "$([ -n "$san" ] && echo serverAuth,clientAuth || echo clientAuth)" >"$ext"
  [ -z "$san" ] || printf 'subjectAltName=%s\n' "$san" >>"$ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$ext"
}
kubeconfig() { # file user cert
  local file="$1" user="$2" c="$3"
  [ -s "$file" ] && return 0
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $CONTEXT
  cluster:
    server: $API_URL
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$pki/$c.crt")
    client-key-data: $(base64 -w0 "$pki/$c.key")
contexts:
- name: $CONTEXT
  context:
    cluster: $CONTEXT
    user: $user
current-context: $CONTEXT
EOF
  chmod 600 "$file"
}
if [ ! -s "$pki/ca.crt" ]; then
  rm -rf "$pki"; mkdir -p "$pki"; chmod 700 "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 365 \
    -subj "/CN=crash-demo-test-ca" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
fi
cert apiserver "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:$SERVICE_FIRST_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert admin "/O=system:masters/CN=crash-demo-admin"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME"
cert kubelet-serving "/CN=$NODE_NAME" "IP:127.0.0.1,DNS:localhost"
kubeconfig "$KUBECONFIG_FILE" crash-demo-admin admin
kubeconfig "$STATE/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
kubeconfig "$STATE/scheduler.kubeconfig" system:kube-scheduler scheduler
kubeconfig "$STATE/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet-client
export KUBECONFIG="$KUBECONFIG_FILE"

# ---- the kernel settings the kubelet changes, saved once so down.sh can put them back ------------
if [ ! -s "$STATE/sysctl.saved" ]; then
  for k in $KUBELET_SYSCTLS; do printf '%s=%s\n' "$k" "$(sysctl -n "$k")"; done >"$STATE/sysctl.saved"
fi

# ---- etcd ---------------------------------------------------------------------------------------
start etcd "curl_ok http://127.0.0.1:$ETCD_PORT/health" \
  etcd --name crash-demo --data-dir "$STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "crash-demo=http://127.0.0.1:$ETCD_PEER_PORT" \
  --listen-metrics-urls "http://127.0.0.1:$ETCD_METRICS_PORT" \
  --quota-backend-bytes 1073741824 --unsafe-no-fsync

# ---- kube-apiserver -----------------------------------------------------------------------------
# PodSecurity, NamespaceLifecycle and ServiceAccount admission are on by default: the demo
# namespace's `pod-security.kubernetes.io/enforce: restricted` label is enforced for real.
# --kubelet-preferred-address-types=Hostname: the node is called 127.0.0.1 (as in local-up-cluster),
# so logs, exec and port-forward reach the kubelet on loopback and never on the machine's own address.
# --endpoint-reconciler-type=none: no `kubernetes` Service endpoints (nothing in the pods calls the API).
start kube-apiserver "api_ok /readyz" \
  kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --secure-port "$API_PORT" --advertise-address "$POD_GATEWAY" \
  --endpoint-reconciler-type none \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types Hostname \
  --authorization-mode Node,RBAC \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc \
  --service-cluster-ip-range "$SERVICE_SUBNET" \
  --allow-privileged=false --profiling=false

# ---- kube-controller-manager and kube-scheduler -------------------------------------------------
start kube-controller-manager "https_ok $KCM_PORT" \
  kube-controller-manager --kubeconfig "$STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
  --use-service-account-credentials --service-account-private-key-file "$pki/sa.key" \
  --root-ca-file "$pki/ca.crt" --service-cluster-ip-range "$SERVICE_SUBNET" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --profiling=false
start kube-scheduler "https_ok $SCHEDULER_PORT" \
  kube-scheduler --kubeconfig "$STATE/scheduler.kubeconfig" \
  --authentication-kubeconfig "$STATE/scheduler.kubeconfig" --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --profiling=false

# ---- containerd (CRI), with the pause image built here and pinned --------------------------------
mkdir -p "$CNI_CONF_DIR" "$STATE/containerd"
cat >"$CNI_CONF_DIR/10-crash-demo.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "crash-demo",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni-ipam",
        "ranges": [[{ "subnet": "$POD_SUBNET", "gateway": "$POD_GATEWAY" }]],
        "routes": []
      }
    },
    { "type": "loopback" }
  ]
}
EOF
cat >"$STATE/containerd/config.toml" <<EOF
version = 3
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins.'io.containerd.cri.v1.runtime']
  # This machine's root lacks CAP_SYS_RESOURCE, so no process may lower its oom_score_adj below 0,
  # and runc fails to start the sandbox the kubelet asks for with -998. Restricted, the requested
  # value is raised to containerd's own (0); the memory limit and the OOM killer work the same.
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      SystemdCgroup = false
      BinaryName = "$(command -v runc)"
      Root = "$STATE/runc"
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$CNI_BIN_DIR"]
    conf_dir = "$CNI_CONF_DIR"
EOF
start containerd "ctr_ok" containerd --config "$STATE/containerd/config.toml"
if ! ctr --address "$CONTAINERD_SOCK" -n k8s.io images inspect "$PAUSE_IMAGE" >/dev/null 2>&1 \
  && ! ctr --address "$CONTAINERD_SOCK" -n k8s.io images ls -q | grep -qxF "$PAUSE_IMAGE"; then
  say "importing the sandbox image $PAUSE_IMAGE (FROM scratch + pause built here)"
  bash "$here/pause-image.sh" "$BIN/pause" "$PAUSE_IMAGE" "$STATE/pause.tar"
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$STATE/pause.tar" >/dev/null \
    || fail "ctr could not import $STATE/pause.tar into containerd's k8s.io namespace (log: $LOGS/containerd.log)"
  rm -f "$STATE/pause.tar"
fi

# ---- kubelet ------------------------------------------------------------------------------------
kubelet_config="$STATE/kubelet-config.yaml"
{
  cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
# This machine's memory controller is on cgroup v1. From Kubernetes 1.35 the kubelet refuses to
# start on a cgroup v1 host unless told otherwise (failCgroupV1 defaults to true; KEP-5573).
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
podLogsDir: $STATE/pod-logs
resolvConf: /etc/resolv.conf
serializeImagePulls: false
# The kubelet would lower its own oom_score_adj to -999, which this machine's root may not do.
oomScoreAdj: 0
# A test machine's disk may be nearly full: never evict the test pods or their images for it.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  [ -z "$kubelet_extra" ] || cat "$kubelet_extra"
} >"$kubelet_config.new"
if [ -f "$kubelet_config" ] && ! cmp -s "$kubelet_config" "$kubelet_config.new" && alive kubelet; then
  say "kubelet configuration changed: restarting the kubelet (pods keep running)"
  stop kubelet
fi
mv "$kubelet_config.new" "$kubelet_config"
mkdir -p "$STATE/kubelet" "$STATE/pod-logs"
start kubelet "curl_ok http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz" \
  kubelet --config "$kubelet_config" --kubeconfig "$STATE/kubelet.kubeconfig" \
  --hostname-override "$NODE_NAME" --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet/pki"

# ---- wait for a usable cluster ------------------------------------------------------------------
wait_for "the node $NODE_NAME to be Ready" 120 \
  sh -c "kubectl get node '$NODE_NAME' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null | grep -qx True"
wait_for "the default service account" 60 kubectl -n default get serviceaccount default
# For the tests (test/cluster/support.ts): what they need to use this cluster as a user would.
cat >"$STATE/cluster.env" <<EOF
KUBECONFIG=$KUBECONFIG_FILE
CONTEXT=$CONTEXT
BIN=$BIN
CONTAINERD_ADDRESS=$CONTAINERD_SOCK
K8S_VERSION=$K8S_VERSION
ETCD_VERSION=$ETCD_VERSION
CONTAINERD_VERSION=$CONTAINERD_VERSION
RUNC_VERSION=$(runc --version | sed -n 's/^runc version //p')
KERNEL=$(uname -r)
POD_SUBNET=$POD_SUBNET
KUBELET_CONFIG=$kubelet_config
EOF
say "ready in $((SECONDS - t0))s: Kubernetes $K8S_VERSION, node $NODE_NAME, logs in $LOGS"
echo "export KUBECONFIG=$KUBECONFIG_FILE"
