// A toolkit button that posts its panel action to the host (which runs the command of the
// same name, with all its checks); a disabled button posts nothing. And a tab's box that
// opens with a toolbar of its primary action and one more.
import { h } from './dom';
import { post } from './host';
import type { PanelAction } from './protocol';

export function actionButton(
  label: string,
  action: PanelAction,
  opts: { appearance?: 'primary' | 'secondary'; id?: string; title?: string } = {},
): HTMLElement {
  const b = h('vscode-button', { appearance: opts.appearance ?? 'secondary', id: opts.id ?? `btn-${action}`, title: opts.title, 'data-action': action }, label);
  b.addEventListener('click', () => {
    if (b.hasAttribute('disabled')) return;
    post({ type: 'action', action });
  });
  return b;
}

/** A button of a tab's toolbar: its label, its action and its element id. */
export type ToolbarButton = readonly [label: string, action: PanelAction, id: string];

/** A tab's box: the toolbar (the primary action, then a second one), then the tab's own parts. */
export function actionBox(primary: ToolbarButton, second: ToolbarButton, ...parts: Node[]): HTMLElement {
  const button = ([label, action, id]: ToolbarButton, appearance?: 'primary'): HTMLElement => actionButton(label, action, { appearance, id });
  return h('section', { class: 'box' }, h('div', { class: 'toolbar' }, button(primary, 'primary'), button(second)), ...parts);
}
