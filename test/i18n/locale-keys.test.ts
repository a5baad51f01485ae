import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths, projectRoot } from '../../src/core/paths.js';
import { catalogueKeys, hasKey, LANGUAGES, loadCatalogues } from '../../src/i18n/index.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('locale catalogues', () => {
  const catalogues = loadCatalogues(dataPaths.locales);
  const namespaces = Object.keys(catalogues.vi);

  it('hold the same keys in every language', () => {
    const [first, ...rest] = LANGUAGES;
    for (const other of rest) expect(catalogueKeys(catalogues[other]).sort()).toEqual(catalogueKeys(catalogues[first]).sort());
  });

  it('hold every key the code names literally, in every language', () => {
    // A key handed to t(...), say(...) or i18n.t(lang, ...); flow and action names share the shape elsewhere.
    const literal = new RegExp(`\\b(?:t|say)\\((?:[\\w.]+,\\s*)?['"\`]((?:${namespaces.join('|')})\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)*)['"\`]`, 'g');
    const missing: string[] = [];
    for (const file of sourceFiles(join(projectRoot, 'src'))) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(literal)) {
        if (!key) continue;
        for (const lng of LANGUAGES) if (!hasKey(catalogues[lng], key)) missing.push(`${file.slice(projectRoot.length + 1)}: ${key} (${lng})`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('a key the code names', () => {
  it('is found as a text, or as a plural whose other form exists, and not otherwise', () => {
    const tree = { a: { text: 'x', count_one: '1 thing', count_other: '{{count}} things', only_one: '1' } };
    expect(['a.text', 'a.count', 'a.only', 'a.missing', 'a'].map((k) => hasKey(tree, k))).toEqual([true, true, false, false, false]);
  });
});
