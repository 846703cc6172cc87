#!/usr/bin/env bash
# Certificates for the forward connection with openssl, for clusters without cert-manager: the same
# three things cert-manager.yaml makes, as files for `kubectl create secret`.
#
#   fluent-bit/helm/make-certs.sh [OUT_DIR]        # OUT_DIR defaults to ./logseal-certs
#
# writes
#   OUT_DIR/aggregator/{ca.crt,tls.crt,tls.key}   server certificate for the aggregator's Service
#                                                 names -> Secret logseal-aggregator-tls
#   OUT_DIR/node/{ca.crt,tls.crt,tls.key}         client certificate of the node shippers
#                                                 -> Secret logseal-forward-tls
# and keeps the CA in LOGSEAL_CA_DIR (default ~/.config/logseal/ca): ca.key (0600, in a 0700
# directory) and ca.crt. The CA key is what lets a client in: keep that directory off the cluster
# (a vault, an offline machine) and back it up. Run again to renew: the CA is reused, new leaf
# certificates are issued, nodes and aggregator accept each other's old and new ones alike.
#
# The names follow the kit's defaults; change them together with LOGSEAL_FORWARD_HOST in values.yaml:
#   LOGSEAL_NAMESPACE (logging)  LOGSEAL_AGGREGATOR (logseal-aggregator)
#   LOGSEAL_CLUSTER_DOMAIN (cluster.local)  LOGSEAL_CERT_DAYS (365)  LOGSEAL_CA_DAYS (3650)
set -euo pipefail
out=${1:-logseal-certs}
ca_dir=${LOGSEAL_CA_DIR:-${HOME:?}/.config/logseal/ca}
namespace=${LOGSEAL_NAMESPACE:-logging}
service=${LOGSEAL_AGGREGATOR:-logseal-aggregator}
domain=${LOGSEAL_CLUSTER_DOMAIN:-cluster.local}
days=${LOGSEAL_CERT_DAYS:-365}

umask 077
mkdir -p "$ca_dir" "$out/aggregator" "$out/node"
chmod 0700 "$ca_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [ ! -s "$ca_dir/ca.key" ]; then
  ec_key "$ca_dir/ca.key"
  openssl req -x509 -new -key "$ca_dir/ca.key" -subj "/CN=logseal forward CA" -days "${LOGSEAL_CA_DAYS:-3650}" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$ca_dir/ca.crt"
  echo "new CA in $ca_dir (keep ca.key off the cluster)"
else
  echo "CA from $ca_dir"
fi
chmod 0600 "$ca_dir/ca.key"

# issue DIR CN EXTENSIONS: DIR/tls.key, DIR/tls.crt signed by the CA, DIR/ca.crt.
issue() {
  ec_key "$work/tls.key"
  openssl req -new -key "$work/tls.key" -subj "/CN=$2" -out "$work/tls.csr"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "$3" > "$work/ext"
  openssl x509 -req -in "$work/tls.csr" -CA "$ca_dir/ca.crt" -CAkey "$ca_dir/ca.key" \
    -CAserial "$ca_dir/ca.srl" -CAcreateserial -days "$days" -extfile "$work/ext" -out "$work/tls.crt" 2>/dev/null
  cp "$ca_dir/ca.crt" "$1/ca.crt"
  mv "$work/tls.key" "$1/tls.key"
  mv "$work/tls.crt" "$1/tls.crt"
  # PKCS#8 key, as cert-manager.yaml asks of cert-manager; Fluent Bit reads either.
  openssl pkey -in "$1/tls.key" -out "$work/pkcs8.key" && mv "$work/pkcs8.key" "$1/tls.key"
}

fqdn="$service.$namespace.svc.$domain"
issue "$out/aggregator" "$service.$namespace.svc" \
  "$(printf 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,DNS:%s.%s,DNS:%s.%s.svc,DNS:%s' \
      "$service" "$service" "$namespace" "$service" "$namespace" "$fqdn")"
issue "$out/node" logseal-node "extendedKeyUsage=clientAuth"

cat <<NEXT
certificates in $out/ (server: $fqdn and its shorter forms). Then:
  kubectl -n $namespace create secret generic logseal-aggregator-tls --from-file=$out/aggregator
  kubectl -n $namespace create secret generic logseal-forward-tls --from-file=$out/node
(to renew: run again, then add --dry-run=client -o yaml | kubectl apply -f - to those two commands
and restart both releases)
NEXT
