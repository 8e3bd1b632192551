// The columns of `vastai.data.query` (the offer-search query builder used by `image.require(...)`).
// Types are hints for rules and completion: what a sensible comparison value looks like.

export type ColumnValueType = 'number' | 'int' | 'string' | 'bool';

export type ColumnCategory =
  | 'GPU'
  | 'CPU'
  | 'Storage & Disk'
  | 'Network'
  | 'Pricing'
  | 'Machine & Host'
  | 'Virtual'
  | 'Other';

export interface QueryColumn {
  /** Python name in `vastai.data.query`, e.g. `id_`. */
  name: string;
  /** Column name in the query dict and the search_params string, e.g. `id`. */
  wireName: string;
  type: ColumnValueType;
  /** Unit of the value you write in Python, when it matters. */
  unit?: string;
  category: ColumnCategory;
  /** One or two sentences of markdown. */
  doc: string;
  /** A virtual column: the server rewrites it into real column(s). */
  virtual?: boolean;
  /** Values are megabytes in the builder (divided by 1000 into GB in search_params): gpu_ram, cpu_ram, gpu_total_ram. */
  megabytes?: boolean;
  /** For aliases: the Python name of the column the server maps it to. */
  aliasOf?: string;
  example?: string;
}

const MB_UNIT = (name: string, gb: number) =>
  `MB (the query builder divides by 1000: \`${name} >= ${gb * 1000}\` means ${gb} GB)`;
const MB_DOC = (what: string, name: string, gb: number) =>
  `${what} **Units trap:** the value is in **MB** in the Python builder, although Vast's docs say GB: ` +
  `\`${name} >= ${gb}\` asks for ${gb} MB. Write \`${name} >= ${gb * 1000}\` for ${gb} GB.`;

type Spec = [
  name: string,
  type: ColumnValueType,
  category: ColumnCategory,
  doc: string,
  extra?: Partial<Omit<QueryColumn, 'name' | 'type' | 'category' | 'doc'>>,
];

const SPECS: Spec[] = [
  // GPU
  ['gpu_name', 'string', 'GPU', 'GPU model name, e.g. `RTX 4090`. Compare with the GPU constants (`RTX_4090`, `H100_SXM`, ...) from `vastai.data.query`; spaces become `_` in search_params.', { example: 'gpu_name.in_([RTX_4090, RTX_5090])' }],
  ['gpu_ram', 'number', 'GPU', MB_DOC('Memory per GPU.', 'gpu_ram', 24), { unit: MB_UNIT('gpu_ram', 24), megabytes: true, example: 'gpu_ram >= 24000' }],
  ['gpu_total_ram', 'number', 'GPU', MB_DOC('Total GPU memory over all GPUs of the offer.', 'gpu_total_ram', 80), { unit: MB_UNIT('gpu_total_ram', 80), megabytes: true, example: 'gpu_total_ram >= 80000' }],
  ['gpu_max_power', 'number', 'GPU', 'GPU power limit.', { unit: 'W' }],
  ['gpu_max_temp', 'number', 'GPU', 'GPU temperature limit.', { unit: '°C' }],
  ['gpu_arch', 'string', 'GPU', 'GPU architecture / vendor of the host, e.g. `nvidia` or `amd`.', { example: "gpu_arch == 'nvidia'" }],
  ['gpu_mem_bw', 'number', 'GPU', 'GPU memory bandwidth.', { unit: 'GB/s' }],
  ['gpu_lanes', 'int', 'GPU', 'PCIe lanes per GPU.'],
  ['gpu_frac', 'number', 'GPU', 'Fraction of the machine\'s GPUs that the offer contains (1.0 = the whole machine).'],
  ['gpu_display_active', 'bool', 'GPU', 'True when a display is attached to the GPU.', { example: 'gpu_display_active == False' }],
  ['gpu_ids', 'int', 'GPU', 'Indices of the GPUs in the offer. Rarely useful in a search.'],
  ['num_gpus', 'int', 'GPU', 'Number of GPUs per worker.', { example: 'num_gpus == 1' }],
  ['compute_cap', 'int', 'GPU', 'CUDA compute capability × 100 (e.g. `890` for 8.9).', { example: 'compute_cap >= 800' }],
  ['cuda_max_good', 'number', 'GPU', 'Highest CUDA version the host driver supports, e.g. `12.4`.', { example: 'cuda_max_good >= 12.1' }],
  ['bw_nvlink', 'number', 'GPU', 'NVLink bandwidth between the GPUs.', { unit: 'GB/s' }],
  ['total_flops', 'number', 'GPU', 'Total compute of all GPUs of the offer.', { unit: 'TFLOPS' }],
  ['dlperf', 'number', 'GPU', 'Vast\'s DLPerf score: estimated deep-learning performance of the offer.'],
  // CPU
  ['cpu_name', 'string', 'CPU', 'CPU model name.'],
  ['cpu_cores', 'int', 'CPU', 'Virtual CPUs of the whole machine.', { example: 'cpu_cores >= 16' }],
  ['cpu_cores_effective', 'number', 'CPU', 'Virtual CPUs you get with the offer (the machine\'s cores × the offer\'s GPU fraction).'],
  ['cpu_ghz', 'number', 'CPU', 'CPU clock speed.', { unit: 'GHz' }],
  ['cpu_ram', 'number', 'CPU', MB_DOC('System RAM.', 'cpu_ram', 64), { unit: MB_UNIT('cpu_ram', 64), megabytes: true, example: 'cpu_ram >= 64000' }],
  ['cpu_arch', 'string', 'CPU', 'CPU architecture, e.g. `amd64` or `arm64`.'],
  // Storage & Disk
  ['disk_space', 'number', 'Storage & Disk', 'Disk space available on the offer.', { unit: 'GB', example: 'disk_space >= 100' }],
  ['disk_bw', 'number', 'Storage & Disk', 'Disk read bandwidth.', { unit: 'MB/s' }],
  ['disk_name', 'string', 'Storage & Disk', 'Disk model name.'],
  ['avail_vol_ask_id', 'int', 'Storage & Disk', 'Id of a network volume offer available with the machine.'],
  ['avail_vol_dph', 'number', 'Storage & Disk', 'Price of the available network volume.', { unit: 'USD/hour' }],
  ['avail_vol_size', 'number', 'Storage & Disk', 'Size of the available network volume.', { unit: 'GB' }],
  ['nw_disk_min_bw', 'number', 'Storage & Disk', 'Minimum measured network-disk bandwidth.', { unit: 'MB/s' }],
  ['nw_disk_max_bw', 'number', 'Storage & Disk', 'Maximum measured network-disk bandwidth.', { unit: 'MB/s' }],
  ['nw_disk_avg_bw', 'number', 'Storage & Disk', 'Average measured network-disk bandwidth.', { unit: 'MB/s' }],
  // Network
  ['inet_up', 'number', 'Network', 'Internet upload speed.', { unit: 'Mbps', example: 'inet_up >= 500' }],
  ['inet_down', 'number', 'Network', 'Internet download speed.', { unit: 'Mbps', example: 'inet_down >= 500' }],
  ['inet_up_cost', 'number', 'Network', 'Upload bandwidth price.', { unit: 'USD/GB' }],
  ['inet_down_cost', 'number', 'Network', 'Download bandwidth price.', { unit: 'USD/GB' }],
  ['direct_port_count', 'int', 'Network', 'Number of ports open directly on the host\'s router.'],
  ['pcie_bw', 'number', 'Network', 'PCIe bandwidth between CPU and GPU.', { unit: 'GB/s' }],
  ['pci_gen', 'number', 'Network', 'PCIe generation, e.g. `4`.'],
  // Pricing
  ['dph_base', 'number', 'Pricing', 'Base price of the offer (GPU and machine), without storage and bandwidth.', { unit: 'USD/hour' }],
  ['dph_total', 'number', 'Pricing', 'Total price of the offer per hour, storage included.', { unit: 'USD/hour', example: 'dph_total < 2.0' }],
  ['storage_cost', 'number', 'Pricing', 'Disk storage price.', { unit: 'USD/GB/month' }],
  ['storage_total_cost', 'number', 'Pricing', 'Price of the allocated storage.', { unit: 'USD/hour' }],
  ['vram_costperhour', 'number', 'Pricing', 'Price per GB of GPU memory.', { unit: 'USD/hour' }],
  ['min_bid', 'number', 'Pricing', 'Current minimum bid for an interruptible rental.', { unit: 'USD/hour' }],
  ['credit_discount_max', 'number', 'Pricing', 'Largest prepaid-credit discount the host offers (a fraction).'],
  ['flops_per_dphtotal', 'number', 'Pricing', 'TFLOPS per dollar-hour (`total_flops / dph_total`).'],
  ['dlperf_per_dphtotal', 'number', 'Pricing', 'DLPerf per dollar-hour (`dlperf / dph_total`).'],
  ['is_bid', 'bool', 'Pricing', 'True for interruptible (bid) offers.'],
  ['platform_fee', 'number', 'Pricing', 'Vast platform fee included in the price.'],
  // Machine & Host
  ['host_id', 'int', 'Machine & Host', 'Id of the host (the provider).'],
  ['machine_id', 'int', 'Machine & Host', 'Id of the machine.'],
  ['hostname', 'string', 'Machine & Host', 'Hostname of the machine.'],
  ['public_ipaddr', 'string', 'Machine & Host', 'Public IP address of the machine.'],
  ['reliability', 'number', 'Machine & Host', 'Machine reliability score, 0 to 1.', { example: 'reliability >= 0.98' }],
  ['expected_reliability', 'number', 'Machine & Host', 'Expected reliability over the rental, 0 to 1 (what `target_reliability` compares against).'],
  ['reliability_mult', 'number', 'Machine & Host', 'Reliability multiplier used in offer ranking.'],
  ['os_version', 'string', 'Machine & Host', 'Host OS (Ubuntu) version, e.g. `22.04`.'],
  ['driver_vers', 'string', 'Machine & Host', 'Host GPU driver version.'],
  ['driver_version', 'string', 'Machine & Host', 'GPU driver version, e.g. `535.86.05`. The server maps it to `driver_vers`.'],
  ['mobo_name', 'string', 'Machine & Host', 'Motherboard model name.'],
  ['has_avx', 'bool', 'Machine & Host', 'True when the CPU supports AVX.'],
  ['static_ip', 'bool', 'Machine & Host', 'True when the machine\'s IP address is static.'],
  ['external', 'bool', 'Machine & Host', 'True for offers from outside Vast\'s own marketplace list (external offers).'],
  ['verification', 'string', 'Machine & Host', 'Verification state as text, e.g. `verified`. Prefer the `verified` virtual column.'],
  ['vericode', 'int', 'Machine & Host', 'Verification state as a code (what `verified` maps to).'],
  ['hosting_type', 'int', 'Machine & Host', 'Hosting type code: datacenter or not (what `datacenter` maps to).'],
  ['vms_enabled', 'bool', 'Machine & Host', 'True when the machine can run VM instances.'],
  ['is_vm_deverified', 'bool', 'Machine & Host', 'True when the machine lost its verification for VMs.'],
  ['resource_type', 'string', 'Machine & Host', 'Kind of resource offered, e.g. `gpu`.'],
  ['cluster_id', 'int', 'Machine & Host', 'Id of the cluster the machine belongs to.'],
  ['geolocode', 'int', 'Machine & Host', 'Encoded location (what `geolocation` maps to). Prefer `geolocation`.'],
  ['rentable', 'bool', 'Machine & Host', 'True when the offer can be rented now. Every deployment search already starts with `rentable=true`, which cannot be overridden.'],
  ['rented', 'bool', 'Machine & Host', 'True when you already rent it. Every deployment search already starts with `rented=false`, which cannot be overridden.'],
  ['start_date', 'number', 'Machine & Host', 'Start of the offer\'s availability (unix time).'],
  ['end_date', 'number', 'Machine & Host', 'End of the offer\'s availability (unix time). Prefer `duration`.'],
  // Other
  ['ask_contract_id', 'int', 'Other', 'Id of the host\'s ask contract behind the offer.'],
  ['bundle_id', 'int', 'Other', 'Id of the offer bundle.'],
  ['bundled_results', 'int', 'Other', 'Number of offers grouped into this result.'],
  ['score', 'number', 'Other', 'Vast\'s ranking score for the offer (searches sort by it).'],
  ['logo', 'string', 'Other', 'Host logo URL.'],
  ['webpage', 'string', 'Other', 'Host web page URL.'],
  // Virtual columns: the server rewrites them into real columns.
  ['datacenter', 'bool', 'Virtual', 'Virtual: `True` keeps only datacenter offers. The server maps it to `hosting_type`.', { virtual: true, example: 'datacenter == True' }],
  ['verified', 'bool', 'Virtual', 'Virtual: verified machines only. The server maps it to `vericode`. Every deployment search already starts with `verified=true`, which cannot be overridden.', { virtual: true }],
  ['allocated_storage', 'number', 'Virtual', 'Virtual: disk to allocate; the server turns it into `disk_space >=` this value.', { virtual: true, unit: 'GB', example: 'allocated_storage >= 100' }],
  ['target_reliability', 'number', 'Virtual', 'Virtual: minimum expected reliability (0 to 1); the server turns it into `expected_reliability >=` this value.', { virtual: true, example: 'target_reliability >= 0.99' }],
  ['geolocation', 'string', 'Virtual', 'Virtual: two-letter country code of the machine, e.g. `US`. The server maps it to `geolocode`. Use `==`, `!=`, `.in_()`, `.notin_()`.', { virtual: true, example: "geolocation.in_(['US', 'CA'])" }],
  ['duration', 'number', 'Virtual', 'Virtual: how long the machine must stay available. **Seconds** in the Python builder (divided by 86400 into days in search_params); the server compares it against `end_date`.', { virtual: true, unit: 'seconds (the builder divides by 86400: `duration >= 604800` means 7 days)', example: 'duration >= 7 * 86400' }],
];

const ALIASES: ReadonlyArray<[alias: string, target: string, note?: string, unit?: string]> = [
  ['reliability2', 'reliability'],
  ['dphtotal', 'dph_total'],
  ['gpu_totalram', 'gpu_total_ram', 'Unlike `gpu_total_ram`, the builder does not divide it by 1000, so the value reaches the server as written; prefer `gpu_total_ram` (MB) or `gpu_totalram_GB` (GB).'],
  ['gpu_totalram_GB', 'gpu_total_ram', 'The value is in **GB** (the builder passes it on unchanged; the server multiplies by 1000).', 'GB'],
  ['cpu_ram_GB', 'cpu_ram', 'The value is in **GB** (the builder passes it on unchanged; the server multiplies by 1000).', 'GB'],
  ['gpu_ram_GB', 'gpu_ram', 'The value is in **GB** (the builder passes it on unchanged; the server multiplies by 1000).', 'GB'],
  ['ubuntu_version', 'os_version'],
];

function build(): Map<string, QueryColumn> {
  const out = new Map<string, QueryColumn>();
  out.set('id_', {
    name: 'id_',
    wireName: 'id',
    type: 'int',
    category: 'Other',
    doc: 'Offer id. The Python name is `id_` (a trailing underscore, since `id` is a builtin); the column is `id`.',
  });
  for (const [name, type, category, doc, extra] of SPECS) out.set(name, { name, wireName: name, type, category, doc, ...extra });
  for (const [alias, target, note, unit] of ALIASES) {
    const t = out.get(target)!;
    const col: QueryColumn = {
      name: alias,
      wireName: alias,
      type: t.type,
      category: t.category,
      doc: `Alias of \`${target}\` (the server remaps it).${note ? ' ' + note : ''}`,
      aliasOf: target,
    };
    if (unit ?? (t.unit && !t.megabytes)) col.unit = unit ?? t.unit;
    out.set(alias, col);
  }
  return out;
}

/** Every column exported by `vastai.data.query`, keyed by Python name (`id_`, not `id`). */
export const QUERY_COLUMNS: ReadonlyMap<string, QueryColumn> = build();

/** Other names importable from `vastai.data.query` that are neither columns nor GPU constants. */
export const QUERY_MODULE_EXPORTS: ReadonlySet<string> = new Set(['Query', 'Column', 'OP_TO_STR']);
