#!/usr/bin/env bash
# Makes everything secret the compose harness needs, in secrets/ (or $SECRETS_DIR):
#   ca.crt                         a throw-away CA (its key is deleted once it has signed)
#   aggregator.crt aggregator.key  server certificate for the name `aggregator`
#   edge.crt edge.key              client certificate of the edge (mutual TLS)
#   logseal.key pseudonym.key      32 random bytes each: logseal's seal.key and pseudonym.key
#   forward.env                    LOGSEAL_FORWARD_SHARED_KEY for the forward handshake
# Files that exist are kept, so chains sealed earlier stay verifiable; delete secrets/* to start over.
set -euo pipefail
cd "$(dirname "$0")"
dir=${SECRETS_DIR:-secrets}
mkdir -p "$dir"
# Others on this machine cannot enter the directory; inside it files are world-readable because
# Fluent Bit in the containers runs as root without capabilities, so it reads only what anyone can.
chmod 0700 "$dir"
umask 022

random_key() { [ -s "$dir/$1" ] || openssl rand -hex 32 > "$dir/$1"; }
random_key logseal.key
random_key pseudonym.key
[ -s "$dir/forward.env" ] || echo "LOGSEAL_FORWARD_SHARED_KEY=$(openssl rand -hex 32)" > "$dir/forward.env"

if [ ! -s "$dir/ca.crt" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

  ec_key "$work/ca.key"
  openssl req -x509 -new -key "$work/ca.key" -subj "/CN=logseal compose CA" -days 365 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.crt"

  # issue NAME CN EXTENSIONS: a key and a certificate signed by the CA.
  issue() {
    ec_key "$dir/$1.key"
    openssl req -new -key "$dir/$1.key" -subj "/CN=$2" -out "$work/$1.csr"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "$3" > "$work/$1.ext"
    openssl x509 -req -in "$work/$1.csr" -CA "$dir/ca.crt" -CAkey "$work/ca.key" \
      -CAcreateserial -CAserial "$work/ca.srl" \
      -days 365 -extfile "$work/$1.ext" -out "$dir/$1.crt" 2>/dev/null
  }
  # The edge checks this name (tls.verify_hostname): it is the service name in docker-compose.yaml.
  issue aggregator aggregator $'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:aggregator,DNS:localhost'
  issue edge compose-edge "extendedKeyUsage=clientAuth"
fi
chmod 0644 "$dir"/*
echo "secrets ready in $(cd "$dir" && pwd)"
