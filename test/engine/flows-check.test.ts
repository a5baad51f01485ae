import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkFlows } from '../../src/engine/check.js';
import { formatProblem, loadFlows } from '../../src/engine/flows.js';
import { registerCoreInputs } from '../../src/engine/inputs.js';
import { Registry } from '../../src/engine/registry.js';
import { loadCatalogues } from '../../src/i18n/index.js';
import { fixtureDirs } from '../support/fixture-dirs.js';

function problemsOf(flows: Record<string, string>): string[] {
  const dirs = fixtureDirs({
    flows,
    locales: { vi: { x: { ok: 'Được', choice: { a: 'A' } } }, en: { x: { ok: 'Fine' } } },
  });
  const registry = new Registry();
  registerCoreInputs(registry);
  registry.action('x.known', async () => undefined);
  return checkFlows(loadFlows(dirs.flows, registry), registry, loadCatalogues(dirs.locales)).map(formatProblem);
}

describe('flow checks', () => {
  it('accepts a sound flow', () => {
    expect(problemsOf({ f: 'id: f\nstart: a\nsteps:\n  a: { say: x.ok, action: x.known, end: true }\n' })).toEqual([]);
  });

  it('names the file, the step and the problem', () => {
    const problems = problemsOf({
      f: `
id: f
start: nowhere
steps:
  a: { say: x.missing, next: b }
  b: { action: x.unknown, goto: ghost }
  c:
    ask: x.ok
    choices: [a]
    on: { z: { next: a } }
    next: a
  d:
    ask: x.ok
    input: { type: number, min: "one" }
    next: a
  e:
    ask: x.ok
    input: { type: telepathy }
    next: a
`,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'flows/f.yaml: start step "nowhere" does not exist',
        'flows/f.yaml: a: locale key "x.missing" is missing in vi',
        'flows/f.yaml: a: locale key "x.missing" is missing in en',
        'flows/f.yaml: b: goes to unknown flow "ghost"',
        'flows/f.yaml: b: unknown action "x.unknown"',
        'flows/f.yaml: c: "on" names "z", which is not a choice',
        'flows/f.yaml: c: locale key "x.choice.a" is missing in en',
        expect.stringMatching(/^flows\/f\.yaml: d: input min: /),
        expect.stringMatching(/^flows\/f\.yaml: e: unknown input type "telepathy"/),
      ]),
    );
  });

  it('reports schema problems and YAML errors with their place', () => {
    expect(problemsOf({ g: 'id: g\nstart: a\nsteps:\n  a: { say: x.ok }\n' })).toEqual(['flows/g.yaml: 4: steps.a: the step leads nowhere: add next, goto, end, on or branch']);
    expect(problemsOf({ h: 'id: other\nstart: a\nsteps:\n  a: { end: true }\n' })).toEqual(['flows/h.yaml: id "other" differs from the file name']);
    expect(problemsOf({ i: 'id: i\nstart: a\nsteps:\n  a: { end: true\n' })[0]).toMatch(/^flows\/i\.yaml: \d+: /);
    expect(problemsOf({ j: 'id: j\nstart: a\nsteps:\n  a: { ask: x.ok, end: true }\n' })).toEqual(['flows/j.yaml: 4: steps.a: an ask step needs input or choices']);
  });

  it('checks where each typed request leads and that its examples cover how people type', () => {
    const flow = (id: string, intents: string) => `id: ${id}\nstart: a\nsteps:\n  a: { say: x.ok, end: true }\nintents:\n${intents}`;
    const problems = problemsOf({
      f: flow(
        'f',
        `  - { id: ghost_command, command: vanish, vi: [xóa hết, xoa het], en: [wipe] }
  - { id: ghost_flow, goto: nowhere, vi: [đi đâu, di dau], en: [go] }
  - { id: bad_part, goto: f, part: missing, vi: [phần này, phan nay], en: [part] }
  - { id: only_marked, goto: f, vi: [dữ liệu], en: [data] }
  - { id: only_plain, goto: f, vi: [du lieu cua toi], en: [my data] }
`,
      ),
      g: flow('g', `  - { id: only_plain, goto: g, vi: [Dữ liệu, xem du lieu], en: [See my data] }
`),
      h: flow('h', `  - { id: both, command: vanish, goto: h, vi: [a], en: [b] }\n`),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'flows/f.yaml: intent ghost_command: unknown command "/vanish"',
        'flows/f.yaml: intent ghost_flow: goes to unknown flow "nowhere"',
        'flows/f.yaml: intent bad_part: part "missing" is not a step of f',
        'flows/f.yaml: intent only_marked: vi: give examples typed without diacritics too',
        'flows/f.yaml: intent only_plain: vi: give examples with diacritics too',
        'flows/g.yaml: intent only_plain: intent id is also used by flows/f.yaml',
        'flows/g.yaml: intent only_plain: "Dữ liệu" is also an example of intent only_marked',
        'flows/h.yaml: 6: intents.0: exactly one of command, goto',
      ]),
    );
  });

  it('passes on the shipped flows and locales, as `npm run flows:check`', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/engine/check-cli.ts'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\d+ flows OK; \d+ locale keys in vi and en/);
  });
});
