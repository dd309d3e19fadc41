# Shared by scripts/test and scripts/demo: make sure node 20+ and pnpm (the version pinned in
# package.json's packageManager) are on PATH, installing pnpm through npm when it is missing.
ensure_node_tools() {
  command -v node >/dev/null || { echo "node 20+ is required" >&2; exit 1; }
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  ((major >= 20)) || { echo "node 20+ is required (found $(node --version))" >&2; exit 1; }
  local want
  want=$(node -p 'require("./package.json").packageManager.split("@")[1]')
  if ! command -v pnpm >/dev/null || [[ $(pnpm --version) != "$want" ]]; then
    echo "[tools] installing pnpm $want" >&2
    npm install -g "pnpm@$want" --silent >/dev/null
  fi
}
