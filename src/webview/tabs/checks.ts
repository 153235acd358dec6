// The Setup Checks tab: why a connection to TWS does not come up and how to fix it, as the
// `doctor` CLI reports it (failures first), with each check's evidence; run again or copy
// the report as Markdown.
import { actionBox } from '../actionButton';
import { h } from '../dom';
import type { CheckRow, ChecksView } from '../protocol';

const CHECK_ICON: Record<CheckRow['status'], string> = { pass: '✓', warn: '!', fail: '✕', skip: '–', running: '…' };

export function mountChecksTab(view: HTMLElement): { render(c: ChecksView): void } {
  const checksHead = h('div', { id: 'checks-head', class: 'row' });
  const checksList = h('div', { id: 'checks-list' });
  view.append(actionBox(['Run again', 'runChecks', 'btn-run-checks'], ['Copy report', 'copyChecksReport', 'btn-copy-report'], checksHead, checksList));
  return {
    render(c: ChecksView): void {
      const head: Node[] = [];
      if (c.running) head.push(h('vscode-progress-ring', { class: 'small-ring' }), h('span', {}, 'Running the setup checks…'));
      else if (c.error) head.push(h('span', { class: 'down', id: 'checks-error' }, c.error));
      else if (c.verdict) {
        head.push(
          h('span', { class: `badge badge-${c.verdict}`, id: 'checks-verdict' }, c.verdict.toUpperCase()),
          h(
            'span',
            { class: 'muted' },
            `${c.target ?? ''}${c.durationMs !== undefined ? ` · ${Math.round(c.durationMs)} ms` : ''}${c.startedAt ? ` · ${new Date(c.startedAt).toLocaleTimeString()}` : ''}`,
          ),
        );
        if (c.server) head.push(h('span', { class: 'muted', id: 'checks-server' }, ` · ${c.server}`));
      } else head.push(h('span', { class: 'muted' }, 'Not run yet. The checks find out why a connection to TWS does not come up, and say how to fix it.'));
      checksHead.replaceChildren(...head);
      // Failures first, as the CLI prints them.
      const order: Record<string, number> = { fail: 0, warn: 1, running: 2, pass: 3, skip: 4 };
      const rows = [...c.checks].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9));
      checksList.replaceChildren(
        ...rows.map((r) => {
          const ev = r.evidence.length
            ? h(
                'details',
                {},
                h('summary', {}, `Evidence (${r.evidence.length})`),
                h(
                  'table',
                  { class: 'evidence' },
                  ...r.evidence.map((e) => h('tr', {}, h('td', {}, e.step), h('td', {}, e.detail), h('td', { class: 'num' }, e.ms ? `${e.ms} ms` : ''))),
                ),
              )
            : '';
          return h(
            'div',
            { class: `check check-${r.status}`, id: `check-${r.id}`, 'data-status': r.status, 'data-cause': r.cause },
            h(
              'div',
              { class: 'check-title' },
              h('span', { class: `icon icon-${r.status}`, 'aria-label': r.status }, CHECK_ICON[r.status]),
              h('strong', {}, r.title),
              h('span', { class: 'muted small' }, r.status),
            ),
            h('div', { class: 'finding' }, r.finding),
            r.fix ? h('div', { class: 'fix' }, h('span', { class: 'fix-label' }, 'Fix: '), r.fix) : '',
            ev,
          );
        }),
      );
    },
  };
}
