import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GPU_CONSTANTS, findGpuByValue } from '../../../src/analysis/catalog/gpus';
import { QUERY_COLUMNS, QUERY_MODULE_EXPORTS } from '../../../src/analysis/catalog/queryColumns';
import {
  AUTOSCALING_PARAMS,
  DEPLOYMENT_METHODS,
  DEPLOYMENT_PARAMS,
  IMAGE_CONSTRUCTOR,
  IMAGE_METHODS,
  REMOTE_PARAMS,
  SERVE_ONLY_REMOTE_PARAMS,
  SERVE_ONLY_REMOTE_PARAMS_DOC,
  CONFIGURE_AUTOSCALING_DOC,
} from '../../../src/analysis/catalog/sdk';
import { didYouMean } from '../../../src/analysis/util/didYouMean';

// The GPU constants the SDK defines in vastai/data/query.py (../shared/vendor/vastai-sdk), in its order.
const SDK_GPU_NAMES = `A10 A10g A16 A30 A40 A100_PCIE A100_SXM4 A100_SXM A100X A800_PCIE B200 GH200_SXM H100_PCIE H100_SXM
H100_NVL H200 H200_NVL L4 L40 L40S Tesla_K20c Tesla_K80 Tesla_M40 Tesla_P4 Tesla_P6 Tesla_P40 Tesla_P100 Tesla_T4 Tesla_V100
GeForce_970 GTX_750_Ti GTX_1050 GTX_1050_Ti GTX_1060 GTX_1070 GTX_1070_Ti GTX_1080 GTX_1080_Ti GTX_1650 GTX_1650_S
GTX_1650_Ti GTX_1660 GTX_1660_S GTX_1660_Ti GTX_TITAN_X RTX_2060 RTX_2060S RTX_2070 RTX_2070S RTX_2080 RTX_2080S RTX_2080_Ti
RTX_3050 RTX_3060 RTX_3060_laptop RTX_3060_Ti RTX_3070 RTX_3070_laptop RTX_3070_Ti RTX_3080 RTX_3080_Ti RTX_3090 RTX_3090_Ti
RTX_4060 RTX_4060_laptop RTX_4060_Ti RTX_4070 RTX_4070_laptop RTX_4070S RTX_4070S_Ti RTX_4070_Ti RTX_4080 RTX_4080_laptop
RTX_4080S RTX_4090 RTX_4090D RTX_4090_Ti RTX_5060 RTX_5060_Ti RTX_5070 RTX_5070_Ti RTX_5080 RTX_5090 RTX_5090_Ti Titan_RTX
Titan_V TITAN_V_CEO Titan_X Titan_Xp Quadro_K620 Quadro_K2200 Quadro_P2000 Quadro_P4000 Quadro_P5000 Quadro_P6000
Quadro_GP100 Quadro_GV100 Q_RTX_4000 Q_RTX_5000 Q_RTX_6000 Q_RTX_8000 RTX_A2000 RTX_A4000 RTX_A4500 RTX_A5000 RTX_A6000
RTX_2000Ada RTX_4000Ada RTX_4500Ada RTX_5000Ada RTX_5880Ada RTX_6000Ada RTX_PRO_4000 RTX_PRO_4000_Mobile RTX_PRO_4500
RTX_PRO_5000 RTX_PRO_6000 RTX_PRO_6000_S RTX_PRO_6000_WS RTX_PRO_6000_Max_Q CMP_50HX CMP_170HX P104_100 P106_100
InstinctMI50 InstinctMI100 InstinctMI210 InstinctMI250X PRO_W6800 PRO_W7800 PRO_W7900 Pro_V620 Radeon_VII Radeon_Pro_VII
RX_6800 RX_6800_XT RX_6900_XT RX_6950_XT RX_7600 RX_7700_XT RX_7800_XT RX_7900_GRE RX_7900_XT RX_7900_XTX`.split(/\s+/);

test('every GPU constant of the SDK is in the catalog, and nothing else', () => {
  assert.deepEqual([...GPU_CONSTANTS.keys()], SDK_GPU_NAMES);
  for (const [k, g] of GPU_CONSTANTS) assert.equal(g.name, k);
});

test('GPU constant values, including the exceptions to the underscore rule', () => {
  const expected: Record<string, string> = {
    A10g: 'A10g',
    A100_SXM4: 'A100 SXM4',
    H100_SXM: 'H100 SXM',
    H100_PCIE: 'H100 PCIE',
    H200_NVL: 'H200 NVL',
    GH200_SXM: 'GH200 SXM',
    Tesla_T4: 'Tesla T4',
    GeForce_970: 'GeForce 970',
    GTX_1650_S: 'GTX 1650 S',
    GTX_TITAN_X: 'GTX TITAN X',
    RTX_2060S: 'RTX 2060S',
    RTX_3060_laptop: 'RTX 3060 laptop',
    RTX_4070S_Ti: 'RTX 4070S Ti',
    RTX_4090: 'RTX 4090',
    RTX_4090D: 'RTX 4090D',
    RTX_5090: 'RTX 5090',
    TITAN_V_CEO: 'TITAN V CEO',
    Q_RTX_4000: 'Q RTX 4000',
    RTX_A6000: 'RTX A6000',
    RTX_2000Ada: 'RTX 2000Ada',
    RTX_6000Ada: 'RTX 6000Ada',
    RTX_PRO_4000_Mobile: 'RTX PRO 4000 Mobile',
    RTX_PRO_6000_Max_Q: 'RTX PRO 6000 Max-Q',
    CMP_170HX: 'CMP 170HX',
    P104_100: 'P104-100',
    P106_100: 'P106-100',
    InstinctMI50: 'InstinctMI50',
    InstinctMI250X: 'InstinctMI250X',
    PRO_W6800: 'PRO W6800',
    Pro_V620: 'Pro V620',
    Radeon_Pro_VII: 'Radeon Pro VII',
    RX_7900_XTX: 'RX 7900 XTX',
  };
  for (const [name, value] of Object.entries(expected)) assert.equal(GPU_CONSTANTS.get(name)?.value, value, name);
  // Every value not listed as an exception follows the rule.
  const exceptions = new Set(['RTX_PRO_6000_Max_Q', 'P104_100', 'P106_100']);
  for (const g of GPU_CONSTANTS.values()) {
    if (!exceptions.has(g.name)) assert.equal(g.value, g.name.replace(/_/g, ' '), g.name);
  }
  assert.equal(GPU_CONSTANTS.get('H100_SXM')?.family, 'NVIDIA data center');
  assert.equal(GPU_CONSTANTS.get('RTX_4090')?.family, 'RTX 40 series');
  assert.equal(GPU_CONSTANTS.get('RX_7900_XTX')?.family, 'AMD');
});

test('GPU values are unique even case-insensitively', () => {
  const seen = new Set<string>();
  for (const g of GPU_CONSTANTS.values()) {
    const v = g.value.toLowerCase();
    assert.ok(!seen.has(v), v);
    seen.add(v);
  }
});

test('findGpuByValue accepts the value with spaces or underscores, any case', () => {
  assert.equal(findGpuByValue('RTX_4090')?.name, 'RTX_4090');
  assert.equal(findGpuByValue('RTX 4090')?.name, 'RTX_4090');
  assert.equal(findGpuByValue('H100 SXM')?.name, 'H100_SXM');
  assert.equal(findGpuByValue('H100_SXM')?.value, 'H100 SXM');
  assert.equal(findGpuByValue('h100 sxm')?.name, 'H100_SXM');
  assert.equal(findGpuByValue('RTX_PRO_6000_Max-Q')?.name, 'RTX_PRO_6000_Max_Q');
  assert.equal(findGpuByValue('P104-100')?.name, 'P104_100');
  assert.equal(findGpuByValue('InstinctMI250X')?.name, 'InstinctMI250X');
  assert.equal(findGpuByValue('Titan V')?.name, 'Titan_V');
  assert.equal(findGpuByValue('TITAN V')?.name, 'Titan_V');
  assert.equal(findGpuByValue('RTX 4095'), undefined);
  assert.equal(findGpuByValue(''), undefined);
});

// The query columns, virtual columns and aliases of the SDK's vastai/data/query.py (../shared/vendor/vastai-sdk).
const SDK_COLUMNS = `ask_contract_id bundle_id bundled_results bw_nvlink compute_cap cpu_arch cpu_cores cpu_cores_effective
cpu_ghz cpu_name cpu_ram credit_discount_max cuda_max_good direct_port_count disk_bw disk_name disk_space dlperf
dlperf_per_dphtotal dph_base dph_total driver_version driver_vers duration end_date external flops_per_dphtotal geolocation
geolocode gpu_arch gpu_display_active gpu_frac gpu_ids gpu_lanes gpu_mem_bw gpu_name gpu_ram gpu_total_ram gpu_max_power
gpu_max_temp has_avx host_id hosting_type hostname inet_down inet_down_cost inet_up inet_up_cost is_bid logo machine_id
min_bid mobo_name num_gpus os_version pci_gen pcie_bw public_ipaddr reliability reliability_mult rentable rented score
start_date static_ip storage_cost storage_total_cost total_flops verification vericode vram_costperhour webpage vms_enabled
expected_reliability is_vm_deverified resource_type cluster_id avail_vol_ask_id avail_vol_dph avail_vol_size nw_disk_min_bw
nw_disk_max_bw nw_disk_avg_bw platform_fee`.split(/\s+/);
const VIRTUAL = ['datacenter', 'verified', 'allocated_storage', 'target_reliability', 'geolocation', 'duration'];
const ALIASES = ['reliability2', 'dphtotal', 'gpu_totalram', 'gpu_totalram_GB', 'cpu_ram_GB', 'gpu_ram_GB', 'ubuntu_version'];

test('query columns: every SDK column, virtual column and alias', () => {
  for (const c of [...SDK_COLUMNS, ...VIRTUAL, ...ALIASES, 'id_']) {
    const col = QUERY_COLUMNS.get(c);
    assert.ok(col, c);
    assert.equal(col.name, c);
    assert.ok(col.doc.length > 5, c);
  }
  assert.equal(QUERY_COLUMNS.size, 1 + SDK_COLUMNS.length + 4 + ALIASES.length);
  assert.equal(QUERY_COLUMNS.has('id'), false);
  for (const c of VIRTUAL) assert.equal(QUERY_COLUMNS.get(c)?.virtual, true, c);
  for (const c of ALIASES) assert.match(QUERY_COLUMNS.get(c)!.doc, /^Alias of `/, c);
  assert.equal(QUERY_COLUMNS.get('dphtotal')?.aliasOf, 'dph_total');
  assert.equal(QUERY_COLUMNS.get('ubuntu_version')?.aliasOf, 'os_version');
});

test('query columns: wire names, types and units', () => {
  assert.equal(QUERY_COLUMNS.get('id_')?.wireName, 'id');
  assert.equal(QUERY_COLUMNS.get('gpu_ram')?.wireName, 'gpu_ram');
  for (const c of ['gpu_ram', 'cpu_ram', 'gpu_total_ram']) {
    const col = QUERY_COLUMNS.get(c)!;
    assert.equal(col.megabytes, true, c);
    assert.match(col.unit!, /^MB/, c);
    assert.match(col.doc, /MB/, c);
  }
  assert.equal(QUERY_COLUMNS.get('gpu_ram')?.example, 'gpu_ram >= 24000');
  assert.equal(QUERY_COLUMNS.get('gpu_ram_GB')?.megabytes, undefined);
  assert.equal(QUERY_COLUMNS.get('gpu_ram_GB')?.unit, 'GB');
  assert.equal(QUERY_COLUMNS.get('disk_space')?.megabytes, undefined);
  assert.match(QUERY_COLUMNS.get('duration')!.unit!, /seconds/);
  const types: Record<string, string> = {
    gpu_name: 'string', cpu_name: 'string', hostname: 'string', geolocation: 'string',
    num_gpus: 'int', cpu_cores: 'int', host_id: 'int', machine_id: 'int',
    verified: 'bool', rentable: 'bool', rented: 'bool', has_avx: 'bool', static_ip: 'bool', external: 'bool',
    vms_enabled: 'bool', gpu_display_active: 'bool', is_bid: 'bool', datacenter: 'bool',
    dph_total: 'number', reliability: 'number', gpu_ram: 'number', inet_down: 'number',
  };
  for (const [c, t] of Object.entries(types)) assert.equal(QUERY_COLUMNS.get(c)?.type, t, c);
  assert.equal(QUERY_COLUMNS.get('gpu_name')?.category, 'GPU');
  assert.equal(QUERY_COLUMNS.get('cpu_cores')?.category, 'CPU');
  assert.equal(QUERY_COLUMNS.get('dph_total')?.category, 'Pricing');
  assert.equal(QUERY_COLUMNS.get('inet_down')?.category, 'Network');
  assert.equal(QUERY_COLUMNS.get('allocated_storage')?.category, 'Virtual');
  assert.ok(QUERY_MODULE_EXPORTS.has('Query') && QUERY_MODULE_EXPORTS.has('Column'));
  for (const n of QUERY_MODULE_EXPORTS) assert.ok(!QUERY_COLUMNS.has(n) && !GPU_CONSTANTS.has(n), n);
});

test('no name is both a column and a GPU constant', () => {
  for (const n of GPU_CONSTANTS.keys()) assert.ok(!QUERY_COLUMNS.has(n), n);
});

test('Deployment parameters in documented order, with tier effects', () => {
  assert.deepEqual(
    DEPLOYMENT_PARAMS.map((p) => p.name),
    ['name', 'tag', 'version_label', 'api_key', 'ttl', 'autoscaler_instance', 'autoscaler_url', 'webserver_url'],
  );
  const by = new Map(DEPLOYMENT_PARAMS.map((p) => [p.name, p]));
  assert.match(by.get('tag')!.tier!, /^Tier 4/);
  assert.equal(by.get('tag')!.default, '"default"');
  assert.match(by.get('name')!.doc, /__main__/);
  assert.match(by.get('name')!.doc, /positional/i);
  assert.match(by.get('api_key')!.doc, /positional/i);
  assert.match(by.get('webserver_url')!.doc, /VAST_API_URL/);
  assert.match(by.get('webserver_url')!.tier!, /^Tier 3/);
});

test('Image methods and constructor', () => {
  assert.deepEqual(
    [...IMAGE_METHODS.keys()].sort(),
    ['apt_get', 'copy', 'env', 'pip_install', 'publish_port', 'require', 'run_cmd', 'run_script', 'use_system_python', 'venv'],
  );
  for (const m of ['pip_install', 'apt_get', 'env', 'run_script', 'run_cmd', 'copy']) assert.match(IMAGE_METHODS.get(m)!.tier, /^Tier 2/, m);
  for (const m of ['require', 'venv', 'use_system_python', 'publish_port']) assert.match(IMAGE_METHODS.get(m)!.tier, /^Tier 3/, m);
  assert.match(IMAGE_METHODS.get('env')!.doc, /soft update/);
  assert.match(IMAGE_METHODS.get('env')!.doc, /hard update/);
  assert.deepEqual(IMAGE_CONSTRUCTOR.map((p) => p.name), ['from_image', 'storage', 'docker_login_user', 'docker_login_pass', 'docker_login_repo']);
  const storage = IMAGE_CONSTRUCTOR[1];
  assert.equal(storage.default, undefined);
  assert.match(storage.doc, /GB/);
  for (const p of IMAGE_CONSTRUCTOR) assert.match(p.tier!, /^Tier 3/);
});

test('autoscaling parameters: exactly the nine, all Tier 1, with ranges', () => {
  assert.deepEqual(
    [...AUTOSCALING_PARAMS.keys()],
    ['cold_workers', 'max_workers', 'min_load', 'min_cold_load', 'target_util', 'cold_mult', 'max_queue_time', 'target_queue_time', 'inactivity_timeout'],
  );
  for (const p of AUTOSCALING_PARAMS.values()) {
    assert.match(p.tier!, /^Tier 1/);
    assert.equal(p.min, 0);
  }
  assert.equal(AUTOSCALING_PARAMS.get('cold_workers')?.valueType, 'int');
  assert.equal(AUTOSCALING_PARAMS.get('max_workers')?.valueType, 'int');
  assert.equal(AUTOSCALING_PARAMS.get('min_load')?.valueType, 'number');
  const tu = AUTOSCALING_PARAMS.get('target_util')!;
  assert.deepEqual([tu.min, tu.max, tu.minExclusive], [0, 1, true]);
  assert.equal(didYouMean('max_worker', AUTOSCALING_PARAMS.keys()), 'max_workers');
  assert.equal(didYouMean('target_utilization', AUTOSCALING_PARAMS.keys()), undefined);
  assert.equal(didYouMean('cold_worker', AUTOSCALING_PARAMS.keys()), 'cold_workers');
  assert.match(CONFIGURE_AUTOSCALING_DOC, /without autoscaling configured/);
  assert.match(CONFIGURE_AUTOSCALING_DOC, /merge/);
});

test('remote parameters and methods', () => {
  assert.deepEqual(REMOTE_PARAMS.map((p) => p.name), ['benchmark_dataset', 'benchmark_generator', 'benchmark_runs']);
  assert.equal(REMOTE_PARAMS[2].default, '10');
  assert.match(REMOTE_PARAMS[0].doc, /last/i);
  assert.match(REMOTE_PARAMS[0].doc, /bool/);
  assert.match(REMOTE_PARAMS[0].doc, /Exactly one/);
  assert.match(REMOTE_PARAMS[2].doc, /100/);
  assert.deepEqual([...SERVE_ONLY_REMOTE_PARAMS], ['allow_parallel_requests', 'max_queue_time']);
  assert.match(SERVE_ONLY_REMOTE_PARAMS_DOC, /TypeError/);
  assert.deepEqual(
    [...DEPLOYMENT_METHODS.keys()],
    ['image', 'remote', 'context', 'get_context', 'configure_autoscaling', 'ensure_ready', 'lookup'],
  );
  for (const m of DEPLOYMENT_METHODS.values()) assert.ok(m.signature.includes(m.name) && m.doc.length > 20, m.name);
});
