// The steps of a command that asks in quick inputs and a modal (the order ticket, Modify,
// Flatten Book): wait for a step by its title, then type or pick; find a modal by its message
// and press one of its buttons. Shared by the e2e suites that drive those commands.
import type { Workbench } from './workbench';

export interface QuickInputSteps {
  /** The open quick input's text box and title. */
  input(): ReturnType<Workbench['page']['locator']>;
  title(): ReturnType<Workbench['page']['locator']>;
  /** Waits for the step whose title matches, types the text and presses Enter. */
  type(step: RegExp, text: string): Promise<void>;
  /** Waits for the step whose title matches and picks the row with this text. */
  pick(step: RegExp, text: string | RegExp): Promise<void>;
  /** Waits for the modal whose text matches: its text (spaces folded) and a click on one of its buttons. */
  modal(message: RegExp): Promise<{ text: string; click(button: string): Promise<void> }>;
  /**
   * "IBKR: Place Order..." for shares, up to its exits step: symbol, side, quantity, market or
   * limit (with `limit`), DAY or GTC. `beforeTif` runs at the time-in-force step (a screenshot).
   */
  stockTicket(t: StockTicket, beforeTif?: () => Promise<void>): Promise<void>;
}

export interface StockTicket {
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  /** a limit price as typed; market when absent */
  limit?: string;
  gtc?: boolean;
}

/** `workbench` is a getter: the suites start their workbench in before(). */
export function quickInputSteps(workbench: () => Workbench): QuickInputSteps {
  const input = () => workbench().page.locator('.quick-input-widget input.input');
  const title = () => workbench().page.locator('.quick-input-widget .quick-input-title');
  const steps: QuickInputSteps = {
    input,
    title,
    async type(step, text) {
      await title().filter({ hasText: step }).waitFor({ timeout: 15_000 });
      await input().fill(text);
      await workbench().page.keyboard.press('Enter');
    },
    async pick(step, text) {
      await title().filter({ hasText: step }).waitFor({ timeout: 15_000 });
      await workbench().pickQuickItem(text);
    },
    async modal(message) {
      const box = workbench().page.locator('.monaco-dialog-box').filter({ hasText: message });
      await box.waitFor({ timeout: 20_000 });
      return {
        text: (await box.innerText()).replace(/\s+/g, ' '),
        click: async (button) => {
          await box.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
          await box.waitFor({ state: 'hidden', timeout: 10_000 });
        },
      };
    },
    async stockTicket(t, beforeTif) {
      await workbench().runCommand('IBKR: Place Order...', { prompt: true });
      await steps.pick(/kind/, 'shares at the market');
      await steps.type(/symbol/, t.symbol);
      await steps.pick(/side/, `${t.side} ${t.symbol}`);
      await steps.type(/quantity/, String(t.quantity));
      if (t.limit === undefined) await steps.pick(/order type/, 'market: fills now');
      else {
        await steps.pick(/order type/, 'limit: at this price or better');
        await steps.type(/limit price/, t.limit);
      }
      await beforeTif?.();
      await steps.pick(/time in force/, t.gtc ? 'good till cancelled' : 'until the close today');
    },
  };
  return steps;
}
