import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execTimeMs } from '../../../src/extension/tws/execTime';

describe('execTimeMs: the instant of a TWS execution time', () => {
  it("a zoned time, as today's TWS sends it (New York in winter and in summer)", () => {
    assert.equal(execTimeMs('20261120 10:15:02 US/Eastern'), Date.UTC(2026, 10, 20, 15, 15, 2));
    assert.equal(execTimeMs('20260715 10:15:02 America/New_York'), Date.UTC(2026, 6, 15, 14, 15, 2));
    assert.equal(execTimeMs('20261120 15:15:02 Europe/London'), Date.UTC(2026, 10, 20, 15, 15, 2));
  });

  it('the UTC form', () => {
    assert.equal(execTimeMs('20261120-15:15:02'), Date.UTC(2026, 10, 20, 15, 15, 2));
  });

  it('no zone, an unknown zone or not a time: undefined (the caller falls back to its own clock)', () => {
    for (const t of ['20261120 10:15:02', '20261120 10:15:02 Mars/Olympus', '', 'yesterday', '20261340 10:15:02 US/Eastern', '20261120 25:00:00 US/Eastern']) {
      assert.equal(execTimeMs(t), undefined, t);
    }
  });
});
