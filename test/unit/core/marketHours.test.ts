import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import {
  US_REGULAR_HOURS,
  computeZoneOffsetMs,
  isWithinSession,
  minuteOfDay,
  zoneOffsetMs,
  zonedTime,
  zonedWallTimeToUtc,
} from '../../../src/extension/core/marketHours';

const HOUR = 3_600_000;

describe('market hours', () => {
  it('New York offsets: EST, EDT and the 2024 switch instants', () => {
    assert.equal(zoneOffsetMs(Date.UTC(2024, 0, 15, 12), 'America/New_York'), -5 * HOUR);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 6, 15, 12), 'America/New_York'), -4 * HOUR);
    // 2024-03-10 02:00 EST = 07:00 UTC; 2024-11-03 02:00 EDT = 06:00 UTC
    assert.equal(zoneOffsetMs(Date.UTC(2024, 2, 10, 6, 59), 'America/New_York'), -5 * HOUR);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 2, 10, 7, 0), 'America/New_York'), -4 * HOUR);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 10, 3, 5, 59), 'America/New_York'), -4 * HOUR);
    assert.equal(zoneOffsetMs(Date.UTC(2024, 10, 3, 6, 0), 'America/New_York'), -5 * HOUR);
    // before 2007 the US switched on the first Sunday of April: 2005-04-03 07:00 UTC
    assert.equal(zoneOffsetMs(Date.UTC(2005, 3, 3, 6, 59), 'America/New_York'), -5 * HOUR);
    assert.equal(zoneOffsetMs(Date.UTC(2005, 3, 3, 7, 0), 'America/New_York'), -4 * HOUR);
  });

  it('cached offsets agree with Intl across years and zones, including half-hour DST', () => {
    for (const tz of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
      for (let t = Date.UTC(2003, 0, 1); t < Date.UTC(2026, 0, 1); t += 97 * 60_000 * 53) {
        assert.equal(zoneOffsetMs(t, tz), computeZoneOffsetMs(t, tz), `${tz} ${new Date(t).toISOString()}`);
      }
    }
  });

  it('look-ups that alternate zones and cross new year (the last year looked up is kept) agree with Intl', () => {
    const zones = ['America/New_York', 'Australia/Lord_Howe', 'Europe/London'];
    const instants: number[] = [];
    for (let y = 2019; y <= 2025; y++) {
      const newYear = Date.UTC(y, 0, 1);
      instants.push(newYear - 1, newYear, newYear + 1, newYear - 3_600_000, Date.UTC(y, 2, 31, 1, 0, 0), Date.UTC(y, 9, 6, 16, 0, 0));
    }
    for (const t of instants) {
      for (const tz of zones) {
        assert.equal(zoneOffsetMs(t, tz), computeZoneOffsetMs(t, tz), `${tz} ${new Date(t).toISOString()}`);
        assert.equal(zoneOffsetMs(t - 1, tz), computeZoneOffsetMs(t - 1, tz), `${tz} ${new Date(t - 1).toISOString()}`);
      }
    }
  });

  it('zonedTime gives the local calendar day, weekday and minute', () => {
    const z = zonedTime(Date.UTC(2024, 6, 2, 13, 30), 'America/New_York');
    assert.deepEqual(z, { year: 2024, month: 7, day: 2, weekday: 2, minuteOfDay: 570, dateKey: 20240702 });
    // 03:00 UTC on July 3rd is still July 2nd in New York
    assert.equal(zonedTime(Date.UTC(2024, 6, 3, 3, 0), 'America/New_York').dateKey, 20240702);
  });

  it('wall time to UTC, on both sides of a DST change', () => {
    assert.equal(zonedWallTimeToUtc(2024, 1, 15, 9, 30, 0, 'America/New_York'), Date.UTC(2024, 0, 15, 14, 30));
    assert.equal(zonedWallTimeToUtc(2024, 7, 15, 9, 30, 0, 'America/New_York'), Date.UTC(2024, 6, 15, 13, 30));
    assert.equal(zonedWallTimeToUtc(2024, 3, 10, 9, 30, 0, 'America/New_York'), Date.UTC(2024, 2, 10, 13, 30));
  });

  it('regular session is [09:30, 16:00) on weekdays', () => {
    assert.equal(isWithinSession(Date.UTC(2024, 6, 2, 13, 30), US_REGULAR_HOURS), true);
    assert.equal(isWithinSession(Date.UTC(2024, 6, 2, 19, 59), US_REGULAR_HOURS), true);
    assert.equal(isWithinSession(Date.UTC(2024, 6, 2, 20, 0), US_REGULAR_HOURS), false);
    assert.equal(isWithinSession(Date.UTC(2024, 6, 6, 15, 0), US_REGULAR_HOURS), false, 'Saturday');
  });
});

test('minuteOfDay is zonedTime().minuteOfDay, across both 2024 daylight-saving changes and before 1970', () => {
  for (const zone of ['America/New_York', 'Europe/London', 'Asia/Kolkata']) {
    for (let t = Date.UTC(2024, 2, 9); t < Date.UTC(2024, 2, 12); t += 7 * 60_000)
      assert.equal(minuteOfDay(t, zone), zonedTime(t, zone).minuteOfDay, `${zone} ${new Date(t).toISOString()}`);
    for (let t = Date.UTC(2024, 10, 2); t < Date.UTC(2024, 10, 5); t += 7 * 60_000)
      assert.equal(minuteOfDay(t, zone), zonedTime(t, zone).minuteOfDay, `${zone} ${new Date(t).toISOString()}`);
    const old = Date.UTC(1965, 5, 1, 13, 37);
    assert.equal(minuteOfDay(old, zone), zonedTime(old, zone).minuteOfDay);
  }
});
