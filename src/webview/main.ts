// The trading panel (browser side). Built from the webview UI toolkit's components and VS
// Code's theme variables, one module per tab (tabs/), the header and the tab strip. It says
// `ready`, draws the host's snapshot, then applies per-topic updates; every message is
// checked by the shared guard first. Redraws are batched per animation frame, so a burst of
// updates costs one layout. This file only wires the parts together.
import { AccountStrip } from './accountStrip';
import { h } from './dom';
import { Header } from './header';
import { post } from './host';
import { TOPICS, type HostToWebview, type PanelState, type Topic } from './protocol';
import { TabStrip } from './tabStrip';
import { mountBacktestTab } from './tabs/backtest';
import { mountChecksTab } from './tabs/checks';
import { DecisionsTab } from './tabs/decisions';
import { HistoryTab } from './tabs/history';
import { mountOrdersTab } from './tabs/orders';
import { mountPositionsTab } from './tabs/positions';
import { mountSessionTab } from './tabs/session';
import { mountWatchlistTab } from './tabs/watchlist';
import { registerToolkit } from './toolkit';
import { isHostToWebview } from './validate';

registerToolkit();

// ------------------------------------------------------------------ layout

const header = new Header();
const accountStrip = new AccountStrip();
const tabs = new TabStrip();
const positions = mountPositionsTab(tabs.views.positions);
const watchlist = mountWatchlistTab(tabs.views.watchlist);
const orders = mountOrdersTab(tabs.views.orders);
const decisions = new DecisionsTab(tabs.views.decisions);
const session = mountSessionTab(tabs.views.session);
const history = new HistoryTab(tabs.views.history);
const checks = mountChecksTab(tabs.views.checks);
const backtest = mountBacktestTab(tabs.views.backtest);

const app = document.getElementById('app')!;
app.replaceChildren(header.el, accountStrip.el, h('vscode-divider', { role: 'separator' }), tabs.el);
tabs.restore();

// ------------------------------------------------------------------ state

/** The host's state (decisions are kept by their tab, merged from deltas). */
let state: PanelState | undefined;
const dirty = new Set<Topic>();
let frame = 0;
let dropped = 0;

function schedule(topic: Topic): void {
  dirty.add(topic);
  if (!frame) frame = requestAnimationFrame(render);
}

function apply(m: HostToWebview): void {
  if (m.type === 'snapshot') {
    state = { ...m.state };
    decisions.reset(m.state.decisions);
    for (const t of TOPICS) dirty.add(t);
    app.setAttribute('aria-busy', 'false');
    if (!frame) frame = requestAnimationFrame(render);
    return;
  }
  if (m.type === 'showTab') {
    tabs.select(m.tab);
    return;
  }
  if (!state) return; // deltas before the snapshot: the snapshot follows
  if (m.type === 'decisions') decisions.merge(m.rows);
  // every other delta holds its topic's new state (checked by the guard): as `rows` for the grids, else under the topic's name
  else state = { ...state, [m.type]: 'rows' in m ? m.rows : (m as unknown as PanelState)[m.type] };
  schedule(m.type);
}

// ------------------------------------------------------------------ render

function render(): void {
  frame = 0;
  if (!state) return;
  const topics = [...dirty];
  dirty.clear();
  for (const t of topics) {
    switch (t) {
      case 'connection':
        header.renderConnection(state.connection);
        header.renderButtons(state.connection, state.session);
        accountStrip.render(state.account, state.connection);
        break;
      case 'account':
        accountStrip.render(state.account, state.connection);
        positions.render(state.positions, state.account.currency);
        break;
      case 'positions':
        positions.render(state.positions, state.account.currency);
        tabs.setCount('positions', state.positions.length);
        break;
      case 'watchlist':
        watchlist.render(state.watchlist);
        tabs.setCount('watchlist', state.watchlist.rows.length);
        break;
      case 'orders':
        orders.render(state.orders);
        tabs.setCount('orders', state.orders.length);
        if (!topics.includes('session')) session.renderPrices(state.session, state.orders);
        break;
      case 'decisions':
        tabs.setCount('decisions', decisions.render());
        break;
      case 'session':
        session.render(state.session, state.orders);
        header.renderButtons(state.connection, state.session);
        break;
      case 'checks':
        checks.render(state.checks);
        break;
      case 'backtest':
        backtest.render(state.backtest);
        break;
      case 'history':
        history.render(state.history);
        break;
    }
  }
}

// ------------------------------------------------------------------ messages

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (!isHostToWebview(e.data)) {
    dropped++;
    document.body.setAttribute('data-dropped', String(dropped));
    return;
  }
  apply(e.data);
});
post({ type: 'ready' });
