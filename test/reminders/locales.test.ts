import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../src/core/paths.js';
import { catalogueKeys, hasKey, LANGUAGES, loadCatalogues } from '../../src/i18n/index.js';

it('has every sentence the reminders code says in Vietnamese and English, and no sentence it never says', () => {
  const dir = join(projectRoot, 'src/reminders');
  const code = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const flows = readdirSync(join(projectRoot, 'flows')).map((f) => readFileSync(join(projectRoot, 'flows', f), 'utf8')).join('\n');
  const used = new Set([...code.matchAll(/'(reminders\.[a-z_.]+[a-z_])'/g)].map((m) => m[1] as string));
  expect(used.size).toBeGreaterThan(40);
  const catalogues = loadCatalogues();
  const present = (lng: (typeof LANGUAGES)[number], key: string) => hasKey(catalogues[lng], key);
  for (const lng of LANGUAGES) for (const key of used) expect(present(lng, key), `${lng}: ${key}`).toBe(true);
  // A choice label "reminders.choice.<value>" is used by a flow that lists <value>.
  const inFlows = (k: string) => flows.includes(k) || (k.startsWith('reminders.choice.') && flows.includes(k.slice('reminders.choice.'.length)));
  const unused = catalogueKeys(catalogues.vi)
    .filter((k) => k.startsWith('reminders.'))
    .filter((k) => !used.has(k) && !inFlows(k));
  expect(unused).toEqual([]);
});
