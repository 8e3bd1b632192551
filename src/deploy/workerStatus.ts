// Vast worker states → what the tree shows (the names of Vast's worker-states guide). Statuses are compared
// case-insensitively: the API sends lower case, the SDK's mocks upper case.

export type WorkerCategory = 'ready' | 'busy' | 'loading' | 'updating' | 'error' | 'stopped' | 'pending' | 'unknown';

export interface WorkerStatusInfo {
  /** The label Vast's console uses. */
  label: string;
  category: WorkerCategory;
  /** A codicon id (`$(id)` in VS Code). */
  icon: string;
  /** A theme color id for the icon, when the state deserves one. */
  color?: string;
}

const STATUS: Record<string, WorkerStatusInfo> = {
  idle: { label: 'Ready', category: 'ready', icon: 'pass-filled', color: 'testing.iconPassed' },
  running: { label: 'Running', category: 'busy', icon: 'play-circle', color: 'testing.iconPassed' },
  loading: { label: 'Loading', category: 'loading', icon: 'loading~spin' },
  model_loading: { label: 'Loading', category: 'loading', icon: 'loading~spin' },
  creating: { label: 'Creating', category: 'loading', icon: 'loading~spin' },
  created: { label: 'Creating', category: 'loading', icon: 'loading~spin' },
  starting: { label: 'Starting', category: 'loading', icon: 'loading~spin' },
  rebooting: { label: 'Rebooting', category: 'loading', icon: 'debug-restart' },
  update_ready: { label: 'Updating', category: 'updating', icon: 'sync~spin' },
  update_rebooting: { label: 'Updating', category: 'updating', icon: 'sync~spin' },
  update_starting: { label: 'Updating', category: 'updating', icon: 'sync~spin' },
  error: { label: 'Error', category: 'error', icon: 'error', color: 'errorForeground' },
  stopping: { label: 'Stopping', category: 'stopped', icon: 'debug-stop' },
  stopped: { label: 'Inactive', category: 'stopped', icon: 'circle-slash' },
  destroying: { label: 'Destroying', category: 'stopped', icon: 'trash' },
  unavail: { label: 'Unavailable', category: 'error', icon: 'warning', color: 'problemsWarningIcon.foreground' },
  pending: { label: 'Pending (not billed)', category: 'pending', icon: 'clock' },
};

export function workerStatusInfo(status: string | undefined | null): WorkerStatusInfo {
  const key = (status ?? '').trim().toLowerCase();
  return STATUS[key] ?? { label: key ? `Unknown (${status})` : 'Unknown', category: 'unknown', icon: 'question' };
}
