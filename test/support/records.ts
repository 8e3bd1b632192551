// Protocol records for tests that show them (the Deployments tree): every field Vast sends, with neutral values.
import type { WorkerRecord } from '../../src/shared/protocol/vast';

export function workerRecord(over: Partial<WorkerRecord> = {}): WorkerRecord {
  return {
    id: 7,
    status: 'idle',
    cur_load: 0,
    new_load: 0,
    cur_load_rolling_avg: 0,
    cur_perf: 0,
    perf: 0,
    measured_perf: 0,
    dlperf: 0,
    reliability: 1,
    reqs_working: 0,
    disk_usage: 0,
    loaded_at: null,
    started_at: null,
    gpu_name: 'RTX 4090',
    ...over,
  };
}
