import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Areas, areaSlug, type Area } from '../../src/areas/areas.js';
import { dataPaths } from '../../src/core/paths.js';

const areas = Areas.load();
const provinces = areas.roots();
const communes = provinces.flatMap((p) => areas.children(p.id));

/** The second source's list (data/sources/wards-crosscheck.tsv): code, province code, name slug. */
const second = readFileSync(join(dataPaths.data, 'sources', 'wards-crosscheck.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [code = '', province = '', slug = ''] = l.split('\t');
    return { code, province, slug: slug.replace(/_/g, '-') };
  });

/** The two codes the sources disagree on, as the file's header explains: ours, then the second source's. */
const KNOWN_CODE_DIFFERENCES = new Map([['06970', '06978']]);

/** Ids that data written before the whole map refers to (invites, files, statistics): they must not move. */
const OLD_IDS = `son-la son-la.to-hieu son-la.chieng-an son-la.chieng-coi son-la.chieng-sinh son-la.moc-chau son-la.moc-son son-la.van-son
  son-la.thao-nguyen son-la.muong-bu son-la.muong-la son-la.quynh-nhai son-la.thuan-chau son-la.mai-son son-la.yen-chau son-la.song-ma
  son-la.sop-cop son-la.phu-yen son-la.bac-yen son-la.van-ho tay-ninh tay-ninh.tan-ninh tay-ninh.binh-minh tay-ninh.ninh-thanh
  tay-ninh.long-hoa tay-ninh.hoa-thanh tay-ninh.thanh-dien tay-ninh.trang-bang tay-ninh.an-tinh tay-ninh.go-dau tay-ninh.gia-loc
  tay-ninh.long-an tay-ninh.tan-an tay-ninh.khanh-hau tay-ninh.kien-tuong ha-noi hue hai-phong da-nang ho-chi-minh can-tho lai-chau
  dien-bien lang-son quang-ninh thanh-hoa nghe-an ha-tinh cao-bang tuyen-quang lao-cai thai-nguyen phu-tho bac-ninh hung-yen
  ninh-binh quang-tri quang-ngai gia-lai khanh-hoa lam-dong dak-lak dong-nai vinh-long dong-thap ca-mau an-giang`.split(/\s+/);

const names = (found: Area[]) => found.map((a) => a.fullName);

describe('data/areas.yaml: the whole map of 2025', () => {
  it('has the 34 provinces and 3,321 communes: 2,621 xã, 687 phường, 13 đặc khu, each with its official code', () => {
    expect(provinces).toHaveLength(34);
    expect(communes).toHaveLength(3321);
    const kinds = new Map<string, number>();
    for (const c of communes) {
      const kind = /^(Xã|Phường|Đặc khu) /.exec(c.name)?.[1] ?? c.name;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect(Object.fromEntries(kinds)).toEqual({ Xã: 2621, Phường: 687, 'Đặc khu': 13 });
    expect(provinces.every((p) => /^\d{2}$/.test(p.code ?? ''))).toBe(true);
    expect(communes.every((c) => /^\d{5}$/.test(c.code ?? ''))).toBe(true);
    expect(new Set(communes.map((c) => c.code)).size).toBe(3321);
  });

  it('counts, per province, as many communes as the second source, with the same names and codes', () => {
    const theirs = new Map<string, number>();
    for (const s of second) theirs.set(s.province, (theirs.get(s.province) ?? 0) + 1);
    const ours = new Map(provinces.map((p) => [p.code, areas.children(p.id).length]));
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
    expect(ours.get('79')).toBe(168);
    expect(ours.get('14')).toBe(75);

    const byCode = new Map(second.map((s) => [s.code, s]));
    for (const c of communes) {
      const s = byCode.get(KNOWN_CODE_DIFFERENCES.get(c.code ?? '') ?? c.code ?? '');
      expect(s, c.fullName).toBeDefined();
      expect(areaSlug(c.name), c.code).toBe(s?.slug);
      expect(areas.get(c.parent ?? '')?.code, c.code).toBe(s?.province);
    }
  });

  it('keeps every id used before, with the same name, and gives every area its own id', () => {
    for (const id of OLD_IDS) expect(areas.get(id), id).toBeDefined();
    expect(areas.get('son-la.chieng-an')?.name).toBe('Phường Chiềng An');
    expect(areas.get('tay-ninh.hoa-thanh')?.name).toBe('Phường Hòa Thành');
    const ids = [...provinces, ...communes].map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    // New ids follow the same scheme; names that differ only in marks are told apart by their code.
    expect(areas.get('ha-noi.hoan-kiem')?.name).toBe('Phường Hoàn Kiếm');
    expect(names([areas.get('quang-ngai.ba-to-21484'), areas.get('quang-ngai.ba-to-21523')].filter((a): a is Area => !!a))).toEqual([
      'Xã Ba Tơ, Tỉnh Quảng Ngãi',
      'Xã Ba Tô, Tỉnh Quảng Ngãi',
    ]);
  });

  it('gives population with its year where the source has one', () => {
    expect(areas.get('ho-chi-minh')).toMatchObject({ population: 14002598, populationYear: 2025 });
    expect(provinces.every((p) => p.population && p.populationYear === 2025)).toBe(true);
  });
});

describe('finding a commune by part of its name among 3,321', () => {
  it('with or without marks, with or without its kind or the kind\'s short form', () => {
    for (const typed of ['chieng an', 'Chiềng An', 'p chieng an', 'P. Chiềng An', 'phuong chieng an', 'CHIENG AN'])
      expect(names(areas.search(typed, { kind: 'commune' })).at(0), typed).toBe('Phường Chiềng An, Tỉnh Sơn La');
    // "p" keeps to phường: Xã Chiềng An would not be offered even if it existed; "xa" keeps to xã.
    expect(areas.search('p chieng', { kind: 'commune' }).every((a) => a.name.startsWith('Phường'))).toBe(true);
  });

  it('finds every province that has a commune of that name, best matches first', () => {
    expect(names(areas.search('xa tan lap'))).toEqual(['Xã Tân Lập, Tỉnh Lâm Đồng', 'Xã Tân Lập, Tỉnh Quảng Trị', 'Xã Tân Lập, Tỉnh Tây Ninh']);
    expect(names(areas.search('tan lap'))).toEqual([
      'Phường Tân Lập, Tỉnh Đắk Lắk',
      'Xã Tân Lập, Tỉnh Lâm Đồng',
      'Xã Tân Lập, Tỉnh Quảng Trị',
      'Xã Tân Lập, Tỉnh Tây Ninh',
    ]);
    // The whole name first, then names starting with the words, then whole words, then parts of words.
    expect(names(areas.search('an', { within: 'son-la' })).at(0)).toBe('Phường Chiềng An, Tỉnh Sơn La');
    expect(names(areas.search('yen', { within: 'son-la', limit: 3 }))).toEqual(['Xã Yên Châu, Tỉnh Sơn La', 'Xã Yên Sơn, Tỉnh Sơn La', 'Xã Bắc Yên, Tỉnh Sơn La']);
  });

  it('keeps to a province when asked, and finds provinces by their own name', () => {
    expect(names(areas.search('tan lap', { within: 'tay-ninh' }))).toEqual(['Xã Tân Lập, Tỉnh Tây Ninh']);
    expect(names(areas.search('hue', { kind: 'province' }))).toEqual(['Thành phố Huế']);
    expect(areas.search('thanh pho ho chi minh').at(0)?.id).toBe('ho-chi-minh');
  });
});

describe('the areas above an area', () => {
  it('goes from a commune up to its province; an id not on the map stands alone', () => {
    expect(areas.lineage('son-la.to-hieu')).toEqual(['son-la.to-hieu', 'son-la']);
    expect(areas.lineage('son-la')).toEqual(['son-la']);
    expect(areas.lineage('nowhere')).toEqual(['nowhere']);
    expect(areas.isWithin('son-la.to-hieu', 'son-la')).toBe(true);
    expect(areas.isWithin('son-la', 'son-la.to-hieu')).toBe(false);
    expect(areas.isWithin('son-la.to-hieu', 'ha-noi')).toBe(false);
  });
});
