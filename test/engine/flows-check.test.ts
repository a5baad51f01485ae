import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main as flowsCheck } from '../../src/engine/check-cli.js';
import { checkFlows } from '../../src/engine/check.js';
import { FlowData } from '../../src/engine/flow-data.js';
import { formatProblem, loadFlows } from '../../src/engine/flows.js';
import { flowGraph } from '../../src/engine/graph.js';
import { registerCoreInputs } from '../../src/engine/inputs.js';
import { Registry } from '../../src/engine/registry.js';
import { loadCatalogues } from '../../src/i18n/index.js';
import { runCli } from '../support/cli.js';
import { fixtureDirs } from '../support/fixture-dirs.js';

function problemsOf(flows: Record<string, string>): string[] {
  const dirs = fixtureDirs({
    flows,
    locales: { vi: { x: { ok: 'Được', choice: { a: 'A' } } }, en: { x: { ok: 'Fine' } } },
  });
  const registry = new Registry();
  registerCoreInputs(registry);
  registry.action('x.known', async () => undefined);
  registry.action('x.find', ['found_one', 'found_many', 'none'], async () => 'none');
  registry.command({ name: 'open', outcomes: ['opened'], run: async () => 'opened' });
  registry.data(new FlowData('d', z.object({ n: z.number().optional(), sub: z.object({ k: z.string().optional() }).optional() }), ['data']));
  return checkFlows(loadFlows(dirs.flows, registry), registry, loadCatalogues(dirs.locales), { whole: true }).map(formatProblem);
}

/** The "open" command's outcome is routed somewhere, so that fixtures about other things stay clean. */
const opener = `id: opener\nstart: a\nsteps:\n  a: { say: x.ok, end: true }\ncommands:\n  open: { opened: a }\n`;

describe('flow checks', () => {
  it('accepts a sound flow', () => {
    expect(problemsOf({ opener, f: 'id: f\nstart: a\nsteps:\n  a: { say: x.ok, action: x.known, end: true }\n' })).toEqual([]);
  });

  it('holds each step to routing exactly the outcomes its action declares', () => {
    const problems = problemsOf({
      opener,
      f: `
id: f
start: a
steps:
  a:
    action: x.find
    on: { found_one: b, found_many: b, found_lots: b }
  b: { say: x.ok, end: true }
`,
    });
    expect(problems).toEqual(['flows/f.yaml: a: does not route outcome "none" of x.find', 'flows/f.yaml: a: routes outcome "found_lots", which x.find never returns']);
  });

  it('finds steps that nothing leads to', () => {
    const problems = problemsOf({
      opener,
      f: `
id: f
start: a
steps:
  a: { say: x.ok, next: b }
  b: { say: x.ok, end: true }
  orphan: { say: x.ok, next: b }
  parted: { say: x.ok, end: true }
intents:
  - { id: part, goto: f, part: parted, vi: [phần này, phan nay], en: [part] }
`,
    });
    expect(problems).toEqual(['flows/f.yaml: orphan: no step, intent or command leads here']);
  });

  it('checks where commands lead: routed once, by outcomes the command returns', () => {
    const problems = problemsOf({
      f: `
id: f
start: a
steps:
  a: { say: x.ok, end: true }
commands:
  open: { opend: a }
  vanish: { gone: a }
`,
    });
    expect(problems).toEqual([
      'flows/f.yaml: command /open: routes outcome "opend", which /open never returns',
      'flows/f.yaml: command /vanish: unknown command',
      'flows: command /open: no flow routes outcome "opened"',
    ]);
  });

  it('holds saves to the fields the flow data declares', () => {
    const problems = problemsOf({
      opener,
      data: `
id: data
start: n
steps:
  n: { ask: x.ok, input: { type: number }, save: d.n, next: k }
  k: { ask: x.ok, input: { type: text }, save: d.sub.k, next: typo }
  typo: { ask: x.ok, input: { type: text }, save: d.nn, next: elsewhere }
  elsewhere:
    ask: x.ok
    input: { type: text }
    save: other.n
    branch: [{ if: { var: d.sub.kk, exists: true }, end: true }]
    end: true
`,
      undeclared: 'id: undeclared\nstart: a\nsteps:\n  a: { ask: x.ok, input: { type: text }, save: u.v, end: true }\n',
    });
    expect(problems).toEqual([
      'flows/data.yaml: typo: saves to "d.nn", which the flow\'s data ("d") does not declare',
      'flows/data.yaml: elsewhere: saves to "other.n", which the flow\'s data ("d") does not declare',
      'flows/data.yaml: elsewhere: reads "d.sub.kk", which the flow\'s data ("d") does not declare',
      'flows/undeclared.yaml: a: saves to "u.v", but the flow declares no data (register a FlowData for "undeclared")',
    ]);
  });

  it('draws a flow as a Mermaid flowchart, an edge per way out', () => {
    const dirs = fixtureDirs({
      flows: {
        f: `
id: f
start: a
steps:
  a:
    action: x.find
    on: { found_one: b, found_many: { goto: g.c }, none: { end: true } }
    next: b
  b:
    ask: x.ok
    choices: [a]
    on: { a: { next: a } }
    otherwise: { goto: g }
`,
      },
      locales: { vi: {}, en: {} },
    });
    const registry = new Registry();
    registerCoreInputs(registry);
    const flow = loadFlows(dirs.flows, registry).flows.get('f');
    expect(flow && flowGraph(flow)).toBe(
      [
        'flowchart TD',
        '  start(( )) --> n_f__a',
        '  n_f__a["a<br/><small>x.find</small>"]',
        '  n_f__b["b<br/><small>ask x.ok</small>"]',
        '  n_f__a -->|"found_one"| n_f__b',
        '  n_f__a -->|"found_many"| n_g__c',
        '  n_f__a -->|"none"| n_end',
        '  n_f__a --> n_f__b',
        '  n_f__b -->|"a"| n_f__a',
        '  n_f__b -->|"otherwise"| n_g',
        '  n_g__c(["g.c"])',
        '  n_end(["end"])',
        '  n_g(["g"])',
        '',
      ].join('\n'),
    );
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
    expect(problemsOf({ opener, k: 'id: k\nstart: a\nsteps:\n  a: { say: x.ok, on: { x: { end: true } }, end: true }\n' })).toEqual([
      'flows/k.yaml: 4: steps.a: "on" needs an action or a fixed list of choices',
    ]);
    expect(problemsOf({ opener, g: 'id: g\nstart: a\nsteps:\n  a: { say: x.ok }\n' })).toEqual(['flows/g.yaml: 4: steps.a: the step leads nowhere: add next, goto, end, on or branch']);
    expect(problemsOf({ opener, h: 'id: other\nstart: a\nsteps:\n  a: { end: true }\n' })).toEqual(['flows/h.yaml: id "other" differs from the file name']);
    expect(problemsOf({ opener, i: 'id: i\nstart: a\nsteps:\n  a: { end: true\n' })[0]).toMatch(/^flows\/i\.yaml: \d+: /);
    expect(problemsOf({ opener, j: 'id: j\nstart: a\nsteps:\n  a: { ask: x.ok, end: true }\n' })).toEqual(['flows/j.yaml: 4: steps.a: an ask step needs input or choices']);
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

  it('prints a shipped flow as a graph, as `npm run flows:check -- --graph flows/learning.yaml`', async () => {
    const run = await runCli(flowsCheck, ['--graph', 'flows/learning.yaml']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^flowchart TD\n/);
    expect(run.stdout).toContain('n_learning__enter -->|"no_consent"| n_learning__consent');
    expect(run.stdout).toContain('n_learning__enter -->|"unregistered"| n_learning_register');
    expect(await runCli(flowsCheck, ['--graph', 'flows/nowhere.yaml'])).toEqual({ code: 1, stdout: '', stderr: 'flows/nowhere.yaml: no such flow (give flows/<id>.yaml)\n' });
  });

  it('passes on the shipped flows and locales, as `npm run flows:check`', async () => {
    const run = await runCli(flowsCheck, []);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ flows OK; \d+ locale keys in vi and en/);
  });
});
