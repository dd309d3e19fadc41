import { join, resolve } from 'node:path';

/** The repository root (this file is tests/harness/repo.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const RULES_DIR = join(REPO_ROOT, 'rules');
/** The shared data directory sits beside the repository (`../shared/data`). */
export const ONLINE_RETAIL_CSV = resolve(REPO_ROOT, '../shared/data/online-retail/online-retail.csv.gz');
