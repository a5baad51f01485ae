import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/core/paths.js';
import { catalogueKeys, createI18n, LANGUAGES, loadCatalogues } from '../../src/i18n/index.js';
import { fixtureDirs } from '../support/fixture-dirs.js';

const dirs = fixtureDirs({
  flows: {},
  locales: {
    vi: { tt: { fixed: 'Cố định', hello: 'Chào {{name}}', item_one: '{{count}} mục', item_other: '{{count}} mục (nhiều)', nested: 'Xem: $t(tt.fixed)', mood: 'Vui', mood_sad: 'Buồn', empty: '' } },
    en: { tt: { fixed: 'Fixed', hello: 'Hello {{name}}', item_one: '{{count}} item', item_other: '{{count}} items', nested: 'See: $t(tt.fixed)', mood: 'Happy', mood_sad: 'Sad', empty: '' } },
  },
});

describe('translating', () => {
  const i18n = createI18n(dirs.locales);

  it('gives fixed texts, placeholders, plurals, context, nesting and empty texts as i18next does', () => {
    expect(i18n.t('vi', 'tt.fixed', { name: 'Lan' })).toBe('Cố định');
    expect(i18n.t('en', 'tt.fixed')).toBe('Fixed');
    expect(i18n.t('vi', 'tt.hello', { name: 'Lan' })).toBe('Chào Lan');
    expect(i18n.t('en', 'tt.item', { count: 1 })).toBe('1 item');
    expect(i18n.t('en', 'tt.item', { count: 3 })).toBe('3 items');
    expect(i18n.t('en', 'tt.mood')).toBe('Happy');
    expect(i18n.t('en', 'tt.mood', { context: 'sad' })).toBe('Sad');
    expect(i18n.t('vi', 'tt.nested')).toBe('Xem: Cố định');
    expect(i18n.t('en', 'tt.empty')).toBe('');
    expect(i18n.t('en', 'tt.missing')).toBe('tt.missing');
  });

  it('agrees with i18next on every text of the real catalogues, with and without parameters', () => {
    const catalogues = loadCatalogues(dataPaths.locales);
    const real = createI18n(dataPaths.locales);
    const reference = i18next.createInstance();
    void reference.init({
      initAsync: false,
      lng: 'vi',
      fallbackLng: 'vi',
      supportedLngs: [...LANGUAGES],
      resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogues[l] }])),
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    } as Parameters<typeof reference.init>[0]);
    const params = { name: 'Lan', max: 5, given: 'x', count: undefined };
    for (const lng of LANGUAGES)
      for (const key of catalogueKeys(catalogues[lng])) {
        expect(real.t(lng, key), `${lng} ${key}`).toBe(reference.t(key, { lng }));
        expect(real.t(lng, key, params), `${lng} ${key} with params`).toBe(reference.t(key, { ...params, lng }));
      }
  });
});
