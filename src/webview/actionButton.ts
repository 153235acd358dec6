// A toolkit button that posts its panel action to the host (which runs the command of the
// same name, with all its checks); a disabled button posts nothing.
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
