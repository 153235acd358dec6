// The panel's header: the connection (status, account badge, what is going on, where each
// setting came from) and the buttons for what can be done in that state.
import { actionButton } from './actionButton';
import { enable, h } from './dom';
import type { ConnectionView, SessionView } from './protocol';
import { STATUS_TEXT } from './statusText';

export class Header {
  readonly el: HTMLElement;
  private readonly statusBadge = h('span', { id: 'conn-badge', class: 'badge' });
  private readonly statusText = h('span', { id: 'conn-status' });
  private readonly statusDetail = h('span', { id: 'conn-detail', class: 'muted' });
  private readonly sourcesLine = h('div', { id: 'conn-sources', class: 'muted small' });
  private readonly actions = {
    connect: actionButton('Connect', 'connect'),
    disconnect: actionButton('Disconnect', 'disconnect'),
    startSession: actionButton('Start AI Session', 'startSession', { appearance: 'primary' }),
    stopSession: actionButton('Stop', 'stopSession', { title: 'Stop after the current cycle' }),
    killSwitch: actionButton('Kill Switch', 'killSwitch', { title: 'Cancel all orders and stop now' }),
    flattenBook: actionButton('Flatten Book', 'flattenBook', {
      title: 'Stop the AI session and close only its own positions (never what is held outside its book), confirmed first',
    }),
    startSimulator: actionButton('Start Simulator', 'startSimulator', { title: 'The embedded TWS simulator on a free loopback port' }),
  };

  constructor() {
    const a = this.actions;
    a.killSwitch.classList.add('danger');
    this.el = h(
      'header',
      { id: 'conn' },
      h('div', { class: 'row' }, this.statusBadge, this.statusText, this.statusDetail),
      this.sourcesLine,
      h('div', { class: 'toolbar' }, a.startSession, a.stopSession, a.killSwitch, a.flattenBook, a.connect, a.disconnect, a.startSimulator),
    );
  }

  renderConnection(c: ConnectionView): void {
    this.el.className = `status-${c.status}${c.badge === 'LIVE' ? ' live' : ''}`;
    this.statusBadge.textContent = c.badge ?? c.status.toUpperCase();
    this.statusBadge.className = `badge badge-${(c.badge ?? c.status).toLowerCase()}`;
    this.statusText.textContent = c.account ? `${STATUS_TEXT[c.status]} · ${c.account}` : STATUS_TEXT[c.status];
    this.statusDetail.textContent = c.detail;
    this.sourcesLine.textContent = c.sources
      ? `host ${c.host} from ${c.sources.host} · port ${c.port} from ${c.sources.port} · client id ${c.clientId} from ${c.sources.clientId}`
      : c.simulator
        ? `Embedded simulator on ${c.simulator.host}:${c.simulator.port} (${c.simulator.account})`
        : '';
  }

  /** Which buttons show and work, from the connection and whether a session runs. */
  renderButtons(connection: ConnectionView, session: SessionView): void {
    const a = this.actions;
    const c = connection.status;
    const active = session.active;
    const restricted = c === 'restricted';
    enable(a.startSession, !active && !restricted);
    enable(a.stopSession, active);
    enable(a.killSwitch, active || c === 'ready');
    enable(a.flattenBook, active);
    a.connect.hidden = c === 'ready' || c === 'connecting' || c === 'reconnecting';
    enable(a.connect, !restricted);
    a.disconnect.hidden = !a.connect.hidden;
    a.startSimulator.hidden = Boolean(connection.simulator) || c === 'ready';
    enable(a.startSimulator, !restricted);
  }
}
