// The local engine as the extension sees it: the daemon of one state folder, started on demand (workspace trust is
// checked by callers) with the extension's settings passed as the daemon's VAST_* variables, and stopped on request.
import * as vscode from 'vscode';
import { ensureEngineRunning, runningEngine, stopEngine, type StopOutcome } from '../../engine/daemon/control';
import { engineClientInfo, engineTarget, isProcessAlive, type EngineClientInfo } from '../../engine/daemon/client-info';
import { resolveStateDir } from '../../engine/daemon/state-dir';
import type { Target } from '../../shared/protocol/target';
import { vastSettings, type VastSettings } from '../config';
import { engineStartOptions } from './engineSettings';

export class LocalEngine implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after this extension started or stopped the daemon. */
  readonly onDidChange = this.changed.event;
  private starting: Promise<EngineClientInfo> | undefined;
  /** The daemon this extension started last and the settings it started it with. */
  private startedHere: { pid: number; settings: VastSettings } | undefined;

  /** `$VAST_DEPLOY_STATE` (the tests set it), else the XDG state folder: the same one the CLI uses. */
  get stateDir(): string {
    return resolveStateDir();
  }

  /** The engine recorded in the state folder if its process lives (cheap, no request). */
  current(): EngineClientInfo | undefined {
    try {
      const info = engineClientInfo(this.stateDir);
      return info && isProcessAlive(info.pid) ? info : undefined;
    } catch {
      return undefined; // a corrupt engine.json: starting again rewrites it
    }
  }

  /** Answers only when the engine responds (not just a live pid). */
  responding(): Promise<EngineClientInfo | undefined> {
    return runningEngine(this.stateDir);
  }

  /** Starts the daemon unless it runs; concurrent callers share one start. */
  async ensure(): Promise<{ info: EngineClientInfo; started: boolean }> {
    const running = await this.responding();
    if (running) return { info: running, started: false };
    if (!this.starting) {
      const settings = vastSettings();
      this.starting = ensureEngineRunning({ stateDir: this.stateDir, ...engineStartOptions(settings) })
        .then((r) => {
          if (!r.alreadyRunning) this.startedHere = { pid: r.info.pid, settings };
          return r.info;
        })
        .finally(() => (this.starting = undefined));
    }
    const info = await this.starting;
    this.changed.fire();
    return { info, started: true };
  }

  /** The settings the running daemon started with, when this extension started it (not the CLI, another window). */
  get startedWith(): VastSettings | undefined {
    const running = this.current();
    return running && running.pid === this.startedHere?.pid ? this.startedHere.settings : undefined;
  }

  async target(): Promise<Target> {
    return engineTarget((await this.ensure()).info);
  }

  /** What stopping did: the pid it stopped, or the pid of a stale engine.json it removed (left alone). */
  async stop(): Promise<StopOutcome> {
    const outcome = await stopEngine(this.stateDir);
    this.changed.fire();
    return outcome;
  }

  /** Stops the daemon and starts it again with the current settings (which it reads only when it starts). */
  async restart(): Promise<{ stopped: StopOutcome; info: EngineClientInfo }> {
    const stopped = await this.stop();
    const { info } = await this.ensure();
    return { stopped, info };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
