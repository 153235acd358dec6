// The Backtest tab: runs the policy over history through the session's own features, sizing,
// risk checks and costs (the CLI, in a child process) and shows the report it renders.
import { actionBox } from '../actionButton';
import { h } from '../dom';
import type { BacktestView } from '../protocol';

export function mountBacktestTab(view: HTMLElement): { render(b: BacktestView): void } {
  const backtestHead = h('div', { id: 'backtest-head', class: 'row' });
  const backtestBody = h('div', { id: 'backtest-report', class: 'report' });
  view.append(
    actionBox(['Run backtest', 'runBacktest', 'btn-run-backtest'], ['Open HTML report', 'openBacktestReport', 'btn-open-report'], backtestHead, backtestBody),
  );
  return {
    render(b: BacktestView): void {
      const head: Node[] = [];
      if (b.running) head.push(h('vscode-progress-ring', { class: 'small-ring' }), h('span', {}, 'Backtesting…'));
      if (b.error) head.push(h('span', { class: 'down', id: 'backtest-error' }, b.error));
      if (!b.running && !b.error && !b.html)
        head.push(
          h(
            'span',
            { class: 'muted' },
            "Run the policy over the S&P 500 (2015 onwards by default) through the session's features, sizing, risk checks and costs.",
          ),
        );
      backtestHead.replaceChildren(...head);
      // The report body comes from the policy's renderer: tables and inline SVG, no scripts or styles (and the CSP allows none).
      if (backtestBody.getAttribute('data-title') !== (b.title ?? '')) {
        backtestBody.innerHTML = b.html ?? '';
        backtestBody.setAttribute('data-title', b.title ?? '');
      }
    },
  };
}
