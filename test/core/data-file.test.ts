import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../../src/core/data-file.js';
import { dataPaths } from '../../src/core/paths.js';
import { FlowLoadError } from '../../src/engine/flows.js';
import { createTestApp, type TestApp } from '../support/app.js';

type Folder = 'data' | 'plans' | 'flows';

/** Copies of the real data folders with one file's text changed by `edit`. */
function foldersWith(folder: Folder, file: string, edit: (text: string) => string): Record<Folder, string> {
  const root = mkdtempSync(join(tmpdir(), 'xhht-data-'));
  const dirs = { data: join(root, 'data'), plans: join(root, 'plans'), flows: join(root, 'flows') };
  for (const f of ['data', 'plans', 'flows'] as const) cpSync(dataPaths[f], dirs[f], { recursive: true });
  const path = join(dirs[folder], file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dirs;
}

/** The line (1-based) of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i + 1;
}

/** What start-up says when it refuses: the problems of the first file that has any. */
async function startProblems(dirs: Record<Folder, string>): Promise<string[]> {
  let t: TestApp | undefined;
  try {
    t = await createTestApp({ store: 'memory', dirs });
    await t.app.start();
  } catch (err) {
    if (err instanceof DataFileError) return err.problems;
    if (err instanceof FlowLoadError) return err.message.split('\n');
    throw err;
  } finally {
    await t?.close();
  }
  throw new Error('expected start-up to be refused');
}

describe('data files: a broken file stops start-up with "file: line: problem"', () => {
  it('areas.yaml: an id used twice, a bad code, a population without its year', async () => {
    const original = readFileSync(join(dataPaths.data, 'areas.yaml'), 'utf8');
    const twice = foldersWith('data', 'areas.yaml', (t) => t.replace('id: son-la.chieng-coi,', 'id: son-la.chieng-an,'));
    expect(await startProblems(twice)).toEqual([
      `${twice.data}/areas.yaml: ${lineOf(original, 'son-la.chieng-coi')}: areas.8.children.2.id: "son-la.chieng-an" appears twice`,
    ]);
    const code = foldersWith('data', 'areas.yaml', (t) => t.replace('code: "03646"', 'code: "3646"'));
    expect(await startProblems(code)).toEqual([
      `${code.data}/areas.yaml: ${lineOf(original, '"03646"')}: areas.8.children.0.code: 2 digits for a province, 5 for a commune`,
    ]);
    const year = foldersWith('data', 'areas.yaml', (t) => t.replace('    populationYear: 2025\n', ''));
    expect(await startProblems(year)).toEqual([`${year.data}/areas.yaml: ${lineOf(original, 'id: ha-noi')}: areas.0.populationYear: population and populationYear go together`]);
  });

  it('criteria.yaml, units.yaml', async () => {
    const criteria = foldersWith('data', 'criteria.yaml', (t) => t.replace(/score_max: \d+/, 'score_max: many'));
    const [problem] = await startProblems(criteria);
    expect(problem).toMatch(new RegExp(`^${criteria.data}/criteria\\.yaml: ${lineOf(readFileSync(join(criteria.data, 'criteria.yaml'), 'utf8'), 'score_max: many')}: score_max: Invalid input: expected number`));

    const units = foldersWith('data', 'units.yaml', (t) => t.replace(/level: commune/, 'level: hamlet'));
    const [unitProblem] = await startProblems(units);
    expect(unitProblem).toMatch(new RegExp(`^${units.data}/units\\.yaml: ${lineOf(readFileSync(join(units.data, 'units.yaml'), 'utf8'), 'level: hamlet')}: units\\.\\d+\\.level: `));
  });

  it('lexicon.yaml, deadlines.yaml, events.yaml in plans/', async () => {
    const lexicon = foldersWith('plans', 'lexicon.yaml', (t) => t.replace(/^chatFillers: \[/m, 'chatFillers: 7\nchatFillersWere: ['));
    const lexiconText = readFileSync(join(lexicon.plans, 'lexicon.yaml'), 'utf8');
    expect(await startProblems(lexicon)).toEqual([
      `${lexicon.plans}/lexicon.yaml: ${lineOf(lexiconText, 'chatFillers: 7')}: chatFillers: Invalid input: expected array, received number`,
    ]);

    const deadlines = foldersWith('plans', 'deadlines.yaml', (t) => t.replace('units: [so_nganh', 'units: [so_ngnah'));
    const deadlinesText = readFileSync(join(deadlines.plans, 'deadlines.yaml'), 'utf8');
    expect(await startProblems(deadlines)).toEqual([
      expect.stringMatching(new RegExp(`^${deadlines.plans}/deadlines\\.yaml: ${lineOf(deadlinesText, 'so_ngnah')}: obligations\\.\\d+\\.units\\.0: unknown unit kind "so_ngnah"`)),
    ]);

    const events = foldersWith('plans', 'events.yaml', (t) => t.replace(/^events:/m, 'events:\n  - nonsense: true'));
    const [eventProblem] = await startProblems(events);
    expect(eventProblem).toMatch(new RegExp(`^${events.plans}/events\\.yaml: ${lineOf(readFileSync(join(events.plans, 'events.yaml'), 'utf8'), 'nonsense')}: events\\.0`));
  });

  it('flows/*.yaml', async () => {
    const flows = foldersWith('flows', 'contact.yaml', (t) => t.replace('    action: contact.show\n', '    action: contact.show\n    ask: [not, a, key]\n'));
    const text = readFileSync(join(flows.flows, 'contact.yaml'), 'utf8');
    expect(await startProblems(flows)).toContainEqual(expect.stringMatching(new RegExp(`^flows/contact\\.yaml: ${lineOf(text, 'ask: [not')}: steps\\.show\\.ask: `)));
  });
});
