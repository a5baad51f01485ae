import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths } from '../../src/core/paths.js';

type Catalogue = Record<string, unknown>;

/**
 * A temporary flows/ and locales/ for engine tests: the given flows (plus named real ones), and the project's real locale
 * files plus the given test namespaces (so engine texts stay the real ones).
 */
export function fixtureDirs(spec: { flows: Record<string, string>; realFlows?: string[]; locales?: { vi: Record<string, Catalogue>; en: Record<string, Catalogue> } }) {
  const root = mkdtempSync(join(tmpdir(), 'xhht-fixture-'));
  const flows = join(root, 'flows');
  const locales = join(root, 'locales');
  mkdirSync(flows);
  cpSync(dataPaths.locales, locales, { recursive: true });
  for (const name of spec.realFlows ?? []) cpSync(join(dataPaths.flows, `${name}.yaml`), join(flows, `${name}.yaml`));
  for (const [name, yaml] of Object.entries(spec.flows)) writeFileSync(join(flows, `${name}.yaml`), yaml);
  for (const lng of ['vi', 'en'] as const)
    for (const [ns, tree] of Object.entries(spec.locales?.[lng] ?? {})) writeFileSync(join(locales, lng, `${ns}.json`), JSON.stringify(tree));
  return { root, flows, locales, data: dataPaths.data };
}
