/**
 * Splits a plan document into citable passages along its own structure. Administrative texts number
 * their parts "I-"/"I.", "1-"/"1.", "1.1."/"2.1.1.", "a)", with "-" and "+" bullets; Markdown files
 * number them with "#". Each passage keeps the heading path it sits under ("II. Nhiệm vụ › 4. …").
 */

export interface Passage {
  /**
   * Heading titles above the passage that its text does not already start with, in full; for the later
   * passages of a numbered paragraph, its first line too.
   */
  readonly headings: readonly string[];
  /** The heading path for people: titles shortened, joined with " › ". Empty before the first heading. */
  readonly section: string;
  /** The passage: the nearest heading line, then its paragraphs and bullets, one per line. */
  readonly text: string;
  /** The heading line `text` starts with; empty for text before the first heading. */
  readonly heading: string;
  /** `text` without its heading line: the passage's own paragraphs and bullets. */
  readonly body: string;
}

/** A numbered line longer than this is a paragraph that happens to be numbered, not a heading. */
const HEADING_MAX = 200;
/** Blocks shorter than this ("Thời gian thực hiện: Thường xuyên.") belong with the passage before them. */
const SHORT_BLOCK = 120;
/** A passage keeps taking blocks until it is at least this long... */
const PASSAGE_MIN = 160;
/** ...and never grows past this by merging. */
const PASSAGE_MAX = 1500;
const TITLE_SHOWN = 70;

interface Block {
  text: string;
  /** "-" or "+" for bullets, "" for plain paragraphs. */
  marker: string;
}

interface Node {
  level: number;
  /** The numbering ("II.", "a)"), empty for Markdown headings. */
  label: string;
  line: string;
  markdown: boolean;
  blocks: Block[];
  children: Node[];
}

/** Levels: Roman 1, "1." 2, "1.1." 3, "2.1.1." 4, "a)" 5; Markdown "#" counts stand for the same levels. */
const NUMBERINGS: ReadonlyArray<{ pattern: RegExp; level: (m: RegExpExecArray) => number }> = [
  { pattern: /^([IVX]{1,5})\s*[.\-–]\s+/, level: () => 1 },
  { pattern: /^(\d{1,2}(?:\.\d{1,2})+)\.?\s+/, level: (m) => 1 + (m[1] ?? '').split('.').length },
  { pattern: /^(\d{1,2})\s*[.\-–)]\s+/, level: () => 2 },
  { pattern: /^([a-zđ])\)\s+/, level: () => 5 },
];

/** Markdown decoration and stray spacing off; returns the Markdown heading depth too. */
function cleanLine(raw: string): { line: string; depth: number } {
  let line = raw.trim();
  const heading = /^(#{1,6})\s+/.exec(line);
  const depth = heading?.[1]?.length ?? 0;
  if (heading) line = line.slice(heading[0].length);
  // Most lines carry no Markdown: test once before running the replacements.
  if (/[*_[]/.test(line)) {
    line = line
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\*\*|__/g, '')
      .replace(/(^|\s)\*(\S[^*]*?)\*(?=\s|$)/g, '$1$2');
  }
  if (line.includes('  ') || line.includes('\t') || line.includes('\u00a0')) line = line.replace(/\s+/g, ' ');
  return { line: line.trim(), depth };
}

/** A heading line without its numbering: "2.1. Mục tiêu đến năm 2025" → "Mục tiêu đến năm 2025". */
export function headingTitle(line: string): string {
  for (const { pattern } of NUMBERINGS) {
    const m = pattern.exec(line);
    if (m) return line.slice(m[0].length);
  }
  return line;
}

const isClosingBlock = (line: string): boolean => /^nơi nhận\s*:?/iu.test(line);
const hasWords = (line: string): boolean => /[\p{L}\p{N}]/u.test(line);
const endsSentence = (line: string): boolean => /[.:;!?…]["”»)]*$/.test(line);
const startsLowercase = (line: string): boolean => /^\p{Ll}/u.test(line);
const isNumbered = (line: string): boolean => NUMBERINGS.some(({ pattern }) => pattern.test(line));

/** Lines of content, with page and line breaks inside a sentence joined back. */
function contentLines(text: string): Array<{ line: string; depth: number }> {
  const out: Array<{ line: string; depth: number }> = [];
  // Only combining marks need composing; skipping the copy matters when hundreds of documents load.
  const composed = /[\u0300-\u036f]/.test(text) ? text.normalize('NFC') : text;
  for (const raw of composed.split(/\r?\n/)) {
    const cleaned = cleanLine(raw);
    if (isClosingBlock(cleaned.line)) break;
    if (!hasWords(cleaned.line)) continue;
    const previous = out[out.length - 1];
    const continues = cleaned.depth === 0 && startsLowercase(cleaned.line) && !isNumbered(cleaned.line);
    if (previous && continues && !endsSentence(previous.line)) {
      previous.line = `${previous.line} ${cleaned.line}`;
    } else out.push(cleaned);
  }
  return out;
}

function parseTree(text: string): Node {
  const root: Node = { level: 0, label: '', line: '', markdown: false, blocks: [], children: [] };
  const stack: Node[] = [root];
  for (const { line, depth } of contentLines(text)) {
    let opened: Node | undefined;
    for (const { pattern, level } of NUMBERINGS) {
      const m = pattern.exec(line);
      if (m) {
        opened = { level: level(m), label: m[0].trim(), line, markdown: depth > 0, blocks: [], children: [] };
        break;
      }
    }
    if (!opened && depth > 0) opened = { level: depth, label: '', line, markdown: true, blocks: [], children: [] };
    if (opened) {
      while ((stack[stack.length - 1] as Node).level >= opened.level) stack.pop();
      (stack[stack.length - 1] as Node).children.push(opened);
      stack.push(opened);
      continue;
    }
    const bullet = /^([-+•*–])\s*/.exec(line);
    const marker = bullet ? (bullet[1] === '+' ? '+' : '-') : '';
    (stack[stack.length - 1] as Node).blocks.push({ text: line, marker });
  }
  return root;
}

const isHeading = (node: Node): boolean =>
  node.markdown || (node.line.length <= HEADING_MAX && (node.blocks.length > 0 || node.children.length > 0));

/**
 * Packs a node's blocks into passages: an intro ending in ":" takes the bullets under it, a short block
 * joins the passage before it, and small blocks are gathered until a passage says something on its own.
 */
function pack(blocks: readonly Block[]): string[] {
  const chunks: string[][] = [];
  let size = 0;
  let introMarker: string | undefined;
  for (const block of blocks) {
    const current = chunks[chunks.length - 1];
    const fits = current !== undefined && size + block.text.length <= PASSAGE_MAX;
    const underIntro = introMarker !== undefined && block.marker !== '' && block.marker !== introMarker;
    const tooSmall = size < PASSAGE_MIN || block.text.length < SHORT_BLOCK;
    if (current && fits && (underIntro || (introMarker === undefined && tooSmall))) {
      current.push(block.text);
      size += block.text.length;
    } else {
      chunks.push([block.text]);
      size = block.text.length;
      introMarker = undefined;
    }
    if (block.text.endsWith(':')) introMarker = block.marker;
    else if (!underIntro) introMarker = undefined;
  }
  return chunks.map((lines) => lines.join('\n'));
}

function shorten(title: string): string {
  if (title.length <= TITLE_SHOWN) return title;
  const cut = title.slice(0, TITLE_SHOWN);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), TITLE_SHOWN / 2)).replace(/[\s,;:.]+$/, '')}…`;
}

export function splitPassages(text: string): Passage[] {
  const out: Passage[] = [];
  const walk = (node: Node, path: readonly Node[], shown: readonly string[], nearestHeading: string): void => {
    const heading = node.level > 0 && isHeading(node);
    const blocks = heading || node.level === 0 ? node.blocks : [{ text: node.line, marker: '' }, ...node.blocks];
    const headingLine = heading ? node.line : nearestHeading;
    const own = heading ? [...path, node] : path;
    const ownShown = heading ? [...shown, shorten(node.line)] : shown;
    const section = (heading || node.level === 0 ? ownShown : [...ownShown, node.label]).join(' › ');
    const headings = own.map((n) => n.line).filter((line) => line !== headingLine);
    // Later passages of a numbered paragraph ("b) Sở Giáo dục … chủ trì …", then "Chủ trì tổng kết …")
    // are about what its first line names: they keep that line as context.
    const itemHeadings = heading || node.level === 0 ? headings : [...headings, node.line];
    pack(blocks).forEach((chunk, n) => {
      const text = headingLine ? `${headingLine}\n${chunk}` : chunk;
      out.push({ headings: n === 0 ? headings : itemHeadings, section, text, heading: headingLine, body: chunk });
    });
    for (const child of node.children) walk(child, own, ownShown, headingLine);
  };
  walk(parseTree(text), [], [], '');
  return out;
}
