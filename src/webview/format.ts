// How the panel writes numbers and times: US grouping, P&L with a true minus sign and no
// "-0.00", New York time for market times; and the up/down class of a signed value.

export const fmt = {
  qty: (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 4 }),
  price: (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })),
  pnl: (x: number | undefined) => {
    if (x === undefined) return '—';
    const v = Math.abs(x) < 0.005 ? 0 : x;
    return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  },
  ny: (ms: number) =>
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(ms),
};

export const signClass = (x: number | undefined): string => (x === undefined || Math.abs(x) < 0.005 ? '' : x > 0 ? 'up' : 'down');
