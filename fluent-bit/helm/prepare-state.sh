#!/bin/sh
# The second init container (values.yaml, `logseal-state`): readies the node's state directory
# before Fluent Bit starts. The module runs under WASI, which cannot set a file's mode and sees no
# environment, so this is done here:
#   - the directory private to its owner (0700), the state file and the signing file created
#     empty 0600 if absent: they will hold the epoch key and tree, or the node's signing key
#     (seal.mode signed, docs/signing.md);
#   - logseal.origin: the node's name (seal.origin_file), named in every seal and bound into the
#     node's epoch keys, so one node's records can never pass for another's.
set -eu
dir=${LOGSEAL_STATE_DIR:-/var/lib/logseal}
node=${NODE_NAME:?NODE_NAME must be the node name (fieldRef spec.nodeName)}
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
for file in logseal.state logseal.signing; do
  [ -e "$dir/$file" ] || : > "$dir/$file"
  chmod 0600 "$dir/$file"
done
printf '%s\n' "$node" > "$dir/logseal.origin.tmp"
mv "$dir/logseal.origin.tmp" "$dir/logseal.origin"
echo "logseal: $dir ready for node $node"
