#!/usr/bin/env bash
# Installs, builds, and starts taskshare on a fresh SQLite database with a demo user and task.
# Prints the owner's API key and the demo task's share URL, then serves until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh -DTASKSHARE_BUILD_TESTS=OFF

port="${PORT:-8080}"
db_dir=build/demo
rm -rf "$db_dir" && mkdir -p "$db_dir"
db="sqlite:$db_dir/taskshare.db"
key=$(build/taskshare user add --email demo@example.com --team red-team --db "$db")
id=$(build/taskshare import demo/pentest-transcript.json --owner demo@example.com --db "$db")
base="http://127.0.0.1:$port"

cat <<MSG

  Owner API key:  $key
  Share URL:      $base/share/$id
  Share JSON:     $base/api/v1/tasks/$id/share

  Try:  curl -s $base/api/v1/tasks/$id/share
        curl -s -H "X-Api-Key: $key" $base/api/v1/tasks
        curl -s -X PATCH -H "X-Api-Key: $key" -d '{"visibility":"private"}' $base/api/v1/tasks/$id

MSG
exec build/taskshare serve --listen "127.0.0.1:$port" --db "$db" --public-url "$base"
