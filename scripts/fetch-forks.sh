#!/usr/bin/env bash
# Clone (or update) every fork of a lab repository into a content folder,
# one folder per fork named OWNER__REPO, as skills-atlas expects.
#
#   scripts/fetch-forks.sh ORG/lab-01-market-product-and-git [content]
#
# Needs the GitHub CLI (`gh auth login` once). Forks of forks are included.
set -euo pipefail
repo=${1:?usage: fetch-forks.sh OWNER/REPO [DEST]}
dest=${2:-content}
mkdir -p "$dest"
gh api --paginate "repos/$repo/forks?per_page=100" --jq '.[].full_name' | sort | while read -r fork; do
  dir="$dest/${fork/\//__}"
  if [ -d "$dir/.git" ]; then
    git -C "$dir" pull --quiet --ff-only || echo "warning: could not update $fork" >&2
  else
    git clone --quiet --depth 1 "https://github.com/$fork.git" "$dir" || echo "warning: could not clone $fork" >&2
  fi
done
echo "$(find "$dest" -mindepth 1 -maxdepth 1 -type d | wc -l) forks in $dest"
