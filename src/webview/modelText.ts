// The model's output as the Decisions tab shows it (no DOM: unit-tested on its own).
import { fmt } from './format';
import type { ActionProbability, DecisionRow } from './protocol';

/** The model cell: its action, then what the model gave beyond it (probabilities, or a raw value before the clip). */
export function modelText(r: Pick<DecisionRow, 'action' | 'probabilities' | 'raw'>): string {
  const more = r.probabilities?.length ? probabilityText(r.probabilities) : r.raw !== undefined ? `raw ${fmt.num(r.raw, 4)}` : '';
  return more ? `${r.action} — ${more}` : r.action;
}

/** "hold 0.31 · ▸buy 0.57 · sell 0.12": each action's probability in the manifest's order, ▸ the one taken. */
export function probabilityText(ps: readonly ActionProbability[]): string {
  return ps.map((p) => `${p.chosen ? '▸' : ''}${p.label} ${fmt.num(p.p, 2)}`).join(' · ');
}
