import { join, resolve } from 'node:path';

/** The repository root (this file is tests/harness/repo.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const RULES_DIR = join(REPO_ROOT, 'rules');
/** The shared data directory sits beside the repository (`../shared`); scripts/test sets INCENTIVE_SHARED_DIR for a clone made elsewhere. */
export const SHARED_DIR = process.env.INCENTIVE_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
export const ONLINE_RETAIL_CSV = join(SHARED_DIR, 'data/online-retail/online-retail.csv.gz');
