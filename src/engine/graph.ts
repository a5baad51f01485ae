import { stepExits } from './check.js';
import type { Flow, Step, Target } from './flow-schema.js';

/** Mermaid ids take letters, digits and _ only, and a bare "end" would close the chart: every id is prefixed. */
const nodeId = (ref: string) => `n_${ref.replace(/\./g, '__')}`;
const quote = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

function stepLabel(stepId: string, step: Step): string {
  const what = step.action ?? (step.ask ? `ask ${step.ask}` : step.say ? `say ${[step.say].flat()[0]}` : '');
  return what ? `${stepId}<br/><small>${what}</small>` : stepId;
}

/**
 * The conversation of one flow as a Mermaid flowchart: a node per step (with its action or question),
 * an edge per way out labelled with the choice, outcome or condition that takes it; steps of other flows
 * and the end of the conversation are drawn as rounded nodes.
 */
export function flowGraph(flow: Flow): string {
  const lines = ['flowchart TD', `  start(( )) --> ${nodeId(`${flow.id}.${flow.start}`)}`];
  const outside = new Set<string>();
  const targetRef = (t: Target): string => {
    if (t.end) return 'end';
    if (t.next) return `${flow.id}.${t.next}`;
    return t.goto as string;
  };
  for (const [stepId, step] of Object.entries(flow.steps)) lines.push(`  ${nodeId(`${flow.id}.${stepId}`)}[${quote(stepLabel(stepId, step))}]`);
  for (const [stepId, step] of Object.entries(flow.steps))
    for (const { when, target } of stepExits(step)) {
      const ref = targetRef(target);
      if (ref === 'end' || !ref.startsWith(`${flow.id}.`)) outside.add(ref);
      lines.push(`  ${nodeId(`${flow.id}.${stepId}`)} -->${when ? `|${quote(when)}|` : ''} ${nodeId(ref)}`);
    }
  for (const ref of outside) lines.push(`  ${nodeId(ref)}([${quote(ref === 'end' ? 'end' : ref)}])`);
  return lines.join('\n') + '\n';
}
