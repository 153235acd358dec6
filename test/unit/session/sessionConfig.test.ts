import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseSessionConfig, type SessionConfigInput } from '../../../src/extension/session/sessionConfig';
import { describeRisk } from '../../../src/extension/trading/riskLimits';

const MODEL = { modelDir: '/models/default', cwd: '/work' };

function problems(input: SessionConfigInput): ConfigError['problems'] {
  try {
    parseSessionConfig(input, MODEL);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('session configuration', () => {
  it('fills in the defaults: 60-second cycles for 10 minutes, paper mode, the default model', () => {
    const c = parseSessionConfig({ symbols: 'nvda, MSFT' }, MODEL);
    assert.deepEqual(c.symbols, ['NVDA', 'MSFT']);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 7497);
    assert.equal(c.clientId, 1);
    assert.equal(c.cycleSeconds, 60);
    assert.equal(c.cycles, 10);
    assert.equal(c.mode, 'paper');
    assert.equal(c.modelDir, '/models/default');
    assert.equal(c.journalDir, '/work/journal');
    assert.equal(c.allowLive, false);
    assert.equal(c.flattenOnStop, false);
    assert.deepEqual(c.risk, { maxOrdersPerMinute: 30 }, 'regular hours: tradingHours left to the risk engine default');
  });

  it('converts a duration to cycles of market time (rounding up), or takes cycles as given', () => {
    assert.equal(parseSessionConfig({ symbols: 'SPY', cycleSeconds: '30', minutes: '2' }, MODEL).cycles, 4);
    assert.equal(parseSessionConfig({ symbols: 'SPY', cycleSeconds: 300, minutes: 12 }, MODEL).cycles, 3);
    assert.equal(parseSessionConfig({ symbols: 'SPY', cycles: '7' }, MODEL).cycles, 7);
  });

  it('takes typed settings values as well as CLI strings, and resolves folders against the working directory', () => {
    const c = parseSessionConfig(
      {
        symbols: ['SPY', 'QQQ'],
        port: 4002,
        clientId: 9,
        mode: 'shadow',
        modelDir: 'models/x',
        journalDir: '/var/j',
        maxOrderQuantity: 10,
        maxPosition: '0',
        stopLossPct: '2.5',
        allowSymbols: 'spy',
        anyHours: true,
        flattenOnStop: 'true',
        capital: 5000,
      },
      MODEL,
    );
    assert.equal(c.port, 4002);
    assert.equal(c.mode, 'shadow');
    assert.equal(c.modelDir, '/work/models/x');
    assert.equal(c.journalDir, '/var/j');
    assert.equal(c.capital, 5000);
    assert.equal(c.flattenOnStop, true);
    assert.deepEqual(c.risk, {
      tradingHours: null,
      symbolAllowlist: ['SPY'],
      maxOrderQuantity: 10,
      maxPositionPerSymbol: 0,
      maxOrdersPerMinute: 30,
      stopLossFraction: 0.025,
    });
    assert.equal(describeRisk(c.risk), 'max order 10 sh, max position 0 sh, max 30 orders/min, stop-loss 2.5%, allowlist SPY, any hours');
    assert.equal(parseSessionConfig({ symbols: 'SPY' }, MODEL).risk.tradingHours, undefined, 'regular hours: the risk engine default');
    assert.equal(describeRisk(parseSessionConfig({ symbols: 'SPY' }, MODEL).risk), 'max 30 orders/min, regular hours');
  });

  it('names the option, the setting and what is valid for each bad value, all at once', () => {
    const p = problems({
      symbols: 'NVDA,,9X',
      port: '70000',
      clientId: '1.5',
      cycleSeconds: '7',
      mode: 'Paper',
      maxNotional: 'lots',
      dailyLossLimit: '0',
      stopLossPct: '150',
    });
    const by = Object.fromEntries(p.map((x) => [x.key, x]));
    assert.deepEqual(Object.keys(by).sort(), ['clientId', 'cycleSeconds', 'dailyLossLimit', 'maxNotional', 'mode', 'port', 'stopLossPct', 'symbols'].sort());
    assert.equal(by.symbols!.option, '--symbols');
    assert.equal(by.symbols!.setting, 'ibkrAi.session.symbols');
    assert.match(by.symbols!.message, /"9X" is not a symbol \(valid: a letter then up to 11 letters, digits or dots\)/);
    assert.match(by.port!.message, /"70000" is out of range \(valid: 1\.\.65535/);
    assert.match(by.clientId!.message, /"1\.5" is not a whole number/);
    assert.match(by.cycleSeconds!.message, /7 is not a multiple of 5/);
    assert.match(by.mode!.message, /"Paper" is not a mode \(valid: shadow, paper, live\)/);
    assert.match(by.maxNotional!.message, /"lots" is not a number \(valid: an amount of account currency above 0\)/);
    assert.match(by.dailyLossLimit!.message, /"0" is out of range/);
    assert.match(by.stopLossPct!.message, /"150" is out of range \(valid: a percentage above 0 and at most 100/);
    const err = new ConfigError(p);
    assert.match(err.message, /^invalid session configuration:\n {2}--port \(setting ibkrAi\.port\): "70000" is out of range/);
    assert.equal(err.message.split('\n').length, 9, 'one line per problem');
  });

  it('requires symbols, refuses duplicates, and minutes together with cycles', () => {
    assert.match(problems({})[0]!.message, /is required/);
    assert.match(problems({ symbols: ' , ' })[0]!.message, /no symbols given/);
    assert.match(problems({ symbols: 'SPY,spy' })[0]!.message, /SPY listed twice/);
    const p = problems({ symbols: 'SPY', minutes: '5', cycles: '5' });
    assert.equal(p[0]!.key, 'cycles');
    assert.match(p[0]!.message, /give either --minutes or --cycles, not both/);
  });

  it('live mode needs allowLive; a live confirmation only in live mode, and it must look like an account id', () => {
    const p = problems({ symbols: 'SPY', mode: 'live' });
    assert.equal(p[0]!.option, '--allow-live');
    assert.equal(p[0]!.setting, 'ibkrAi.allowLive');
    assert.match(p[0]!.message, /trades real money and needs --allow-live/);
    const c = parseSessionConfig({ symbols: 'SPY', mode: 'live', allowLive: true, confirmLive: 'U1234567' }, MODEL);
    assert.equal(c.confirmLive, 'U1234567');
    assert.match(problems({ symbols: 'SPY', confirmLive: 'U1234567' })[0]!.message, /only applies to --mode live \(the mode is paper\)/);
    assert.match(problems({ symbols: 'SPY', mode: 'live', allowLive: true, confirmLive: 'yes' })[0]!.message, /"yes" is not an IB account id/);
  });

  it('a live port (7496, 4001) without allowLive is refused before connecting, in any mode', () => {
    for (const mode of ['paper', 'shadow'] as const) {
      const p = problems({ symbols: 'SPY', port: '7496', mode });
      assert.equal(p[0]!.option, '--port');
      assert.match(p[0]!.message, /^7496 is the TWS live-trading port, but live trading is not enabled \(valid: the paper port 7497, or --allow-live/);
    }
    assert.match(problems({ symbols: 'SPY', port: 4001 })[0]!.message, /^4001 is the IB Gateway live-trading port.*the paper port 4002/);
    assert.equal(parseSessionConfig({ symbols: 'SPY', port: '7496', mode: 'live', allowLive: true }, MODEL).port, 7496);
  });

  it('without a model given and no default model, says where a model comes from', () => {
    assert.throws(
      () => parseSessionConfig({ symbols: 'SPY' }, {}),
      /--model \(setting ibkrAi\.session\.model\): no model given and the default model models\/ppo-sp500 was not found/,
    );
  });
});
