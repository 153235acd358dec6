import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEarlyClose, nyseHoliday, nyseHolidays } from '../../../src/extension/core/usEquityCalendar';
import { US_REGULAR_HOURS, isWithinSession, sessionAtOrAfter, sessionAtOrBefore, sessionOfDay } from '../../../src/extension/core/marketHours';

// NYSE's published calendars (nyse.com "Holidays & Trading Hours"; NYSE Group announcements).
const PUBLISHED: Record<number, number[]> = {
  2022: [20220117, 20220221, 20220415, 20220530, 20220620, 20220704, 20220905, 20221124, 20221226],
  2023: [20230102, 20230116, 20230220, 20230407, 20230529, 20230619, 20230704, 20230904, 20231123, 20231225],
  2024: [20240101, 20240115, 20240219, 20240329, 20240527, 20240619, 20240704, 20240902, 20241128, 20241225],
  2025: [20250101, 20250109, 20250120, 20250217, 20250418, 20250526, 20250619, 20250704, 20250901, 20251127, 20251225],
  2026: [20260101, 20260119, 20260216, 20260403, 20260525, 20260619, 20260703, 20260907, 20261126, 20261225],
  2027: [20270101, 20270118, 20270215, 20270326, 20270531, 20270618, 20270705, 20270906, 20271125, 20271224],
};

const EARLY: Record<number, number[]> = {
  2024: [20240703, 20241129, 20241224],
  2025: [20250703, 20251128, 20251224],
  2026: [20261127, 20261224],
};

describe('US equity calendar (NYSE rules)', () => {
  for (const [year, dates] of Object.entries(PUBLISHED)) {
    it(`full-day closures of ${year} match NYSE's calendar`, () => {
      assert.deepEqual(
        nyseHolidays(Number(year)).map((h) => h.dateKey),
        dates,
      );
    });
  }

  for (const [year, dates] of Object.entries(EARLY)) {
    it(`13:00 early closes of ${year}`, () => {
      const found: number[] = [];
      for (let t = Date.UTC(Number(year), 0, 1); t < Date.UTC(Number(year) + 1, 0, 1); t += 86_400_000) {
        const d = new Date(t);
        const k = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
        if (isEarlyClose(k)) found.push(k);
      }
      assert.deepEqual(found, dates);
    });
  }

  it('observed-date rules: Saturday New Year is not observed, Saturday July 4 moves to Friday, Sunday Christmas to Monday', () => {
    assert.equal(nyseHoliday(20211231), undefined, '2022-01-01 is a Saturday; Friday Dec 31 ends the year and stays open');
    assert.equal(nyseHoliday(20260703)?.name, 'Independence Day');
    assert.equal(nyseHoliday(20221226)?.name, 'Christmas Day');
    assert.equal(nyseHoliday(20210619), undefined, 'Juneteenth only from 2022');
    assert.equal(nyseHoliday(20240618), undefined);
  });

  it('regular hours: closed on holidays, 09:30-13:00 on early closes, open on ordinary weekdays', () => {
    // Thanksgiving 2025 (Thu Nov 27) closed; Fri Nov 28 closes at 13:00 EST (18:00 UTC).
    assert.equal(isWithinSession(Date.UTC(2025, 10, 27, 15, 0), US_REGULAR_HOURS), false);
    assert.equal(isWithinSession(Date.UTC(2025, 10, 28, 17, 59), US_REGULAR_HOURS), true);
    assert.equal(isWithinSession(Date.UTC(2025, 10, 28, 18, 0), US_REGULAR_HOURS), false);
    assert.equal(isWithinSession(Date.UTC(2025, 10, 26, 21, 0), US_REGULAR_HOURS), false, '16:00 EST, the close');
    assert.equal(isWithinSession(Date.UTC(2025, 10, 26, 20, 59), US_REGULAR_HOURS), true);
    const early = sessionOfDay(Date.UTC(2025, 10, 28, 12), US_REGULAR_HOURS)!;
    assert.equal(early.open, Date.UTC(2025, 10, 28, 14, 30));
    assert.equal(early.close, Date.UTC(2025, 10, 28, 18, 0));
    assert.equal(sessionOfDay(Date.UTC(2025, 10, 27, 15), US_REGULAR_HOURS), undefined);
  });

  it('next and previous sessions skip weekends and holidays', () => {
    // Thu 2026-04-02 after the close -> Good Friday 04-03 closed -> Monday 04-06 (EDT).
    const next = sessionAtOrAfter(Date.UTC(2026, 3, 2, 21), US_REGULAR_HOURS);
    assert.equal(next.dateKey, 20260406);
    assert.equal(next.open, Date.UTC(2026, 3, 6, 13, 30));
    const prev = sessionAtOrBefore(Date.UTC(2026, 3, 6, 12), US_REGULAR_HOURS);
    assert.equal(prev.dateKey, 20260402);
    assert.equal(prev.close, Date.UTC(2026, 3, 2, 20, 0));
  });
});
