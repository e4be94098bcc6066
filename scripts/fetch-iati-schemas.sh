#!/usr/bin/env bash
# The official IATI 2.03 activity schemas and codelists, for validating `summitry export --format
# iati` offline. They come from the MIT-licensed pyIATI 0.4.1 sdist on PyPI; its pinned
# dependencies (lxml 4.2) do not install on Python 3.11, so the sdist is unpacked, not installed.
set -euo pipefail
py=${1:-.venv/bin/python}
dest=${2:-.venv/share/iati/2.03}
sha256=b6f8f0d596746bd774ed3e84cdad50dfa7dd501ac70e6399f2bb0244bfd5b0ef

[[ -f $dest/schemas/iati-activities-schema.xsd && -f $dest/codelists/Sector.xml ]] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" -m pip download --quiet --no-deps --no-binary :all: pyiati==0.4.1 -d "$tmp"
echo "$sha256  $tmp/pyIATI-0.4.1.tar.gz" | sha256sum --check --quiet
tar -xzf "$tmp/pyIATI-0.4.1.tar.gz" -C "$tmp" pyIATI-0.4.1/iati/resources/standard/2-03
mkdir -p "$dest"
cp -r "$tmp/pyIATI-0.4.1/iati/resources/standard/2-03/schemas" \
  "$tmp/pyIATI-0.4.1/iati/resources/standard/2-03/codelists" "$dest/"
