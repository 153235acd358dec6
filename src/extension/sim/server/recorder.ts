// `--record FILE`: one JSON line per message received or sent, so tests can prove
// exactly what reached "TWS". Written synchronously: a line is on disk before the
// message it describes is acted on, and nothing is lost if the process dies.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface RecordedOrder {
  orderId: number;
  symbol: string;
  secType: string;
  /** the contract as the client sent it: an option's conId, expiry, strike and right; a combo's legs */
  conId?: number;
  expiry?: string;
  strike?: number;
  right?: string;
  comboLegs?: Array<{ conId: number; ratio: number; action: string; exchange: string }>;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice?: number;
  auxPrice?: number;
  tif: string;
  orderRef: string;
  parentId: number;
  ocaGroup: string;
  transmit: boolean;
  whatIf: boolean;
  account: string;
}

export interface RecordLine {
  t: number;
  dir: 'in' | 'out';
  clientId: number | null;
  msgId: number | null;
  name: string;
  fields: string[];
  order?: RecordedOrder;
}

export class Recorder {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  write(line: RecordLine): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
