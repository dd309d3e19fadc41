import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LintProblem, LoadResult } from '../ruleset.js';
import { buildRuleset, INCENTIVES_DIR, SCHEDULE_FILE, SEGMENTS_FILE, TIERS_FILE } from './build-ruleset.js';

export const TESTS_DIR = 'tests';

/** Relative path -> text of every `.json` file directly in `dir/sub` (sorted), or undefined if absent. */
export async function readJsonFiles(dir: string, sub: string): Promise<Map<string, string> | undefined> {
  let names: string[];
  try {
    names = await readdir(join(dir, sub));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const out = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    out.set(`${sub}/${name}`, await readFile(join(dir, sub, name), 'utf8'));
  }
  return out;
}

/** Reads the rule files of a rules directory (not the fixtures under tests/); missing files are left out. */
export async function readRuleFiles(dir: string): Promise<Map<string, string>> {
  return (await readDirectory(dir)).files;
}

async function readDirectory(dir: string): Promise<{ files: Map<string, string>; hasIncentives: boolean }> {
  const files = new Map<string, string>();
  for (const name of [SEGMENTS_FILE, TIERS_FILE, SCHEDULE_FILE]) {
    try {
      files.set(name, await readFile(join(dir, name), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const incentives = await readJsonFiles(dir, INCENTIVES_DIR);
  for (const [k, v] of incentives ?? []) files.set(k, v);
  return { files, hasIncentives: incentives !== undefined };
}

/**
 * Loads a rules directory: every rule file validated, normalised, and hashed into `version`.
 * A directory with any problem is refused as a whole (`ok: false` with every problem), so a caller
 * can keep serving its last good ruleset. I/O errors other than a missing file are thrown.
 */
export async function loadRuleset(dir: string): Promise<LoadResult> {
  const { files, hasIncentives } = await readDirectory(dir);
  const result = buildRuleset(files);
  if (hasIncentives) return result;
  const missing: LintProblem = { file: `${INCENTIVES_DIR}/`, pointer: '', message: 'directory is missing' };
  return { ok: false, problems: [missing, ...(result.ok ? [] : result.problems)] };
}
