// Creating and removing a deployment's worker: the worker's id from the store, its folder under the state folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Records } from './records';
import type { Store, StoredDeployment } from './store';
import type { LocalWorker, WorkerManager } from './workers';

export class WorkerPool {
  constructor(
    private readonly store: Store,
    private readonly records: Records,
    private readonly workers: WorkerManager,
    private readonly stateDir: string,
  ) {}

  newWorker(dep: StoredDeployment): LocalWorker {
    const id = this.store.nextId('worker');
    this.store.save();
    return this.workers.create(id, dep.id, dep.endpoint_id, path.join(this.stateDir, 'workers', `w${id}`), this.records.filterWarnings(dep));
  }

  async removeWorker(w: LocalWorker): Promise<void> {
    await this.workers.remove(w);
    fs.rmSync(w.cwd, { recursive: true, force: true });
  }
}
