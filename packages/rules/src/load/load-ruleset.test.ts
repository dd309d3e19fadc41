import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesOf, rule } from '../../test/support.js';
import { loadRuleset } from './load-ruleset.js';

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function writeDir(files: Map<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rules-load-'));
  temps.push(dir);
  for (const [name, text] of files) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe('loadRuleset', () => {
  it('loads a directory, ignoring non-JSON files and fixtures', async () => {
    const files = filesOf([rule()]);
    files.set('incentives/README.md', '# notes');
    files.set('tests/broken.json', '[');
    const r = await loadRuleset(await writeDir(files));
    expect(r.ok && r.ruleset.rules.map((x) => x.id)).toEqual(['r1']);
  });

  it('refuses a directory without incentives/ or with a missing file, listing every problem', async () => {
    const files = filesOf([]);
    files.delete('incentives/main.json');
    files.delete('tiers.json');
    expect(await loadRuleset(await writeDir(files))).toEqual({
      ok: false,
      problems: [
        { file: 'incentives/', pointer: '', message: 'directory is missing' },
        { file: 'tiers.json', pointer: '', message: 'file is missing' },
      ],
    });
  });

  it('gives the same version for the same content on disk', async () => {
    const a = await loadRuleset(await writeDir(filesOf([rule()])));
    const b = await loadRuleset(await writeDir(filesOf([rule()])));
    expect(a.ok && b.ok && a.ruleset.version === b.ruleset.version).toBe(true);
  });
});
