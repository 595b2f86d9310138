#!/usr/bin/env bash
# Packs every FieldForge library, then builds this project from those packages alone, for net8.0, as a self-contained
# linux-x64 app (the .NET 8 runtime pack comes from NuGet), and runs it. ./ff test runs this after the test suite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$root/package.json" | head -1)
"$root/ff" pack >/dev/null
rm -rf "$here/obj/packages"/fieldforge* "$here/bin" "$here/obj/project.assets.json"
log=$(mktemp)
if ! dotnet publish "$here/PackageConsumer.csproj" -c Release -r linux-x64 --self-contained -p:FieldForgeVersion="$version" \
     -o "$here/bin/publish" -v q -nologo -clp:NoSummary >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
"$here/bin/publish/PackageConsumer"
