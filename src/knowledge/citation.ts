/**
 * The short citation under an answer, for a phone: "Nguồn: KH 2547/QĐ-UBND (Sơn La, 18/10/2021), mục
 * 2.1.4". The kind of document comes from its title (lexicon documentTypes), the section from the
 * numbering of its headings; the full heading path is behind "Xem toàn văn".
 */
import type { Language, Translate } from '../i18n/index.js';
import type { DocumentMeta } from './corpus.js';
import { foldedWords } from './fold.js';

/** A heading's own numbering: roman "II.", "2.", "2.1.4.", "a)", "1-". */
const LABEL = /^\s*([IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*(?:[.)]|-(?!\d))/iu;
const ROMAN = /^[IVXLC]+$/;
/** A section without numbering (our notes) is cited by its last heading, cut to this. */
const TITLE_MAX = 60;

/** "2.1.4", "III.1", "V.14", "2.1.2 c)": the numbering of a heading path ("II. Mục tiêu › 2. … › 2.1.4. …"). */
export function sectionLabel(section: string): string {
  const parts = section.split(' › ');
  let roman = '';
  let number = '';
  let letter = '';
  for (const part of parts) {
    const label = part.match(LABEL)?.[1];
    if (label === undefined) continue;
    if (ROMAN.test(label) && number === '') roman = label;
    else if (/^\d/.test(label)) {
      // "2.1.4" is whole on its own; "2" under "III" is "III.2".
      if (label.includes('.')) roman = '';
      number = label;
      letter = '';
    } else letter = `${label})`;
  }
  const numbered = [roman, number].filter(Boolean).join('.');
  if (numbered || letter) return [numbered, letter].filter(Boolean).join(' ');
  const last = parts[parts.length - 1] ?? '';
  return last.length > TITLE_MAX ? `${last.slice(0, TITLE_MAX).replace(/\s+\S*$/, '')}…` : last;
}

/** The code of a document's kind from its title ("Kế hoạch thực hiện …" → "KH"), if the title starts with one. */
export function kindOf(title: string, types: ReadonlyMap<string, string>, longest: number): string | undefined {
  const words = foldedWords(title);
  for (let n = Math.min(longest, words.length); n >= 1; n--) {
    const code = types.get(words.slice(0, n).join(' '));
    if (code) return code;
  }
  return undefined;
}

export interface CitationParts {
  readonly meta: DocumentMeta;
  readonly section: string;
  /** The written code of the document's kind ("KH"), if known. */
  readonly kind?: string;
}

export function shortCitation({ meta, section, kind }: CitationParts, t: Translate, formatDate: (iso: string, lang: Language) => string, lang: Language): string {
  const name = meta.number ? [kind, meta.number].filter(Boolean).join(' ') : kind ? t('qa.cite_by', { kind, issuer: meta.issuer }) : (meta.title.split(',')[0] ?? meta.title);
  const where = [meta.province, meta.date ? formatDate(meta.date, lang) : meta.period].filter(Boolean).join(', ');
  const label = sectionLabel(section);
  return t('qa.cite', {
    name,
    where: where ? ` (${where})` : '',
    section: label ? t('qa.cite_section', { section: label }) : '',
  });
}
