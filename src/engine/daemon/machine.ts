// This machine's facts for the GPU filters (src/shared/machine.ts): nvidia-smi when present, CPU cores, RAM, disk.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { MachineFacts } from '../../shared/machine';

let cachedFacts: MachineFacts | undefined;

/** This machine: nvidia-smi when present, CPU cores, RAM, free disk under `dir`. Cached (GPUs don't come and go). */
export function detectMachineFacts(dir: string): MachineFacts {
  if (!cachedFacts) {
    let gpus: MachineFacts['gpus'] = [];
    try {
      const out = execFileSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], {
        encoding: 'utf8',
        timeout: 10_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      gpus = out
        .split('\n')
        .map((line) => line.split(',').map((s) => s.trim()))
        .filter((parts) => parts.length >= 2 && parts[0])
        .map(([name, mem]) => ({ name: name!, memoryMb: Number(mem) || 0 }));
    } catch {
      // no nvidia-smi or no driver: a machine without a usable NVIDIA GPU
    }
    cachedFacts = { gpus, cpuCores: os.cpus().length, cpuRamGb: os.totalmem() / 1e9, diskFreeGb: 0, cpuArch: os.arch() };
  }
  let diskFreeGb = 0;
  try {
    const st = fs.statfsSync(dir);
    diskFreeGb = (st.bavail * st.bsize) / 1e9;
  } catch {
    // unknown: disk filters then report "unknown free disk"
  }
  return { ...cachedFacts, diskFreeGb };
}
