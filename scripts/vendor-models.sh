#!/usr/bin/env bash
# Copies the botocore service models the sandbox speaks into src/sandbox/models (Apache-2.0, from botocore).
# The sandbox derives every wire shape (query, ec2, json, rest-xml) from these, so responses match AWS.
set -euo pipefail
data=$(python3 -c "import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),'data'))")
out="$(dirname "$0")/../src/sandbox/models"
mkdir -p "$out"
for svc in "$@"; do
  ver=$(ls "$data/$svc" | grep -E '^[0-9]{4}-' | sort | tail -n1)
  cp "$data/$svc/$ver/service-2.json.gz" "$out/$svc.json.gz"
  echo "$svc $ver"
done
