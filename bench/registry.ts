// Every measurement of `npm run bench`, in the order they run, with the keys each reports.
import type { Bench } from './lib';

export interface Entry {
  title: string;
  keys: readonly string[];
  run: Bench;
}

const lazy =
  (load: () => Promise<{ run: Bench }>): Bench =>
  async (opts) =>
    (await load()).run(opts);

export const BENCHES: Record<string, Entry> = {
  decision: {
    title: 'Decision latency',
    keys: [
      'decisionLatencyP50Ms',
      'decisionLatencyP99Ms',
      'decisionLatencyFirstOrderP99Ms',
      'decisionLatencyFirst5P99Ms',
      'decisionFloorBareP99Ms',
      'decisionFloorFsyncP99Ms',
    ],
    run: lazy(() => import('./decision')),
  },
  inference: {
    title: 'Policy inference',
    keys: ['inferenceP50Us', 'inferenceP99Us', 'inferenceBatch10P50Us', 'inferenceBatch10P99Us', 'inferenceBatch10IdleP50Us'],
    run: lazy(() => import('./inference')),
  },
  ingest: {
    title: 'Quote ingest',
    keys: ['ingestTicksPerSec', 'ingestLagP99Ms', 'ingestVsRawRatio', 'ingestRawTicksPerSec', 'ingestWallTicksPerSec'],
    run: lazy(() => import('./ingest')),
  },
  connect: { title: 'Connect to ready', keys: ['connectReadyMs', 'connectReady1000Ms'], run: lazy(() => import('./connect')) },
  doctor: { title: 'Setup checks', keys: ['doctorMaxSeconds', 'doctorFastFailMaxSeconds', 'doctorFastFailCliMaxSeconds'], run: lazy(() => import('./doctor')) },
  backtest: { title: 'Backtest', keys: ['backtestStepsPerSec', 'backtestColdStepsPerSec'], run: lazy(() => import('./backtest')) },
  soak: {
    title: 'Soak',
    keys: ['soakHeapGrowthMB', 'soakRssGrowthMB', 'soakHeapSecondHalfMB', 'soakListenerGrowth', 'soakHandleGrowth'],
    run: lazy(() => import('./soak')),
  },
  artifacts: {
    title: 'Activation and sizes',
    keys: ['activationMs', 'hostBundleBytes', 'webviewBundleBytes', 'vsixBytes'],
    run: lazy(() => import('./artifacts')),
  },
};
