// The execution-cost columns the blotter and a past session's trades share: the price the
// decision was made at, the slippage per share against it (positive cost money), and the
// commission.
import { fmt, signClass } from './format';
import type { Column } from './grid';

interface CostRow {
  decisionPrice?: number | undefined;
  slippage?: number | undefined;
  commission?: number | undefined;
}

export function costColumns<R extends CostRow>(): Array<Column<R>> {
  return [
    { key: 'decisionPrice', title: 'Decision', width: '84px', align: 'right', text: (r) => fmt.price(r.decisionPrice), value: (r) => r.decisionPrice },
    {
      key: 'slippage',
      title: 'Slippage/sh',
      width: '96px',
      align: 'right',
      text: (r) => (r.slippage === undefined ? '—' : fmt.pnl(r.slippage)),
      value: (r) => r.slippage,
      // positive slippage cost money
      cls: (r) => signClass(r.slippage === undefined ? undefined : -r.slippage),
    },
    { key: 'commission', title: 'Commission', width: '96px', align: 'right', text: (r) => fmt.money(r.commission), value: (r) => r.commission },
  ];
}
