// Preloaded into a `session` child process by restart.test.ts (node --import): the process
// kills itself with SIGKILL right after an order intent of cycle CRASH_AT_CYCLE is on disk
// (its group fsync done), i.e. between journaling the intent and sending the order - the
// window a crash-safe order manager must survive. Test-only: it patches the journal of that
// child process.
import { Journal } from '../../../src/extension/session/journal';

const cycle = Number(process.env.CRASH_AT_CYCLE ?? 'NaN');
const original = Journal.prototype.appendDurable;
Journal.prototype.appendDurable = function (this: Journal, type: string, data: Record<string, unknown> = {}) {
  const written = original.call(this, type, data);
  if (type !== 'intent' || !(Number(data.cycle) >= cycle)) return written;
  return { line: written.line, durable: written.durable.then(() => void process.kill(process.pid, 'SIGKILL')) };
};
