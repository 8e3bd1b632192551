// GPU name constants exported by `vastai.data.query`, with the exact `gpu_name` string each one stands for.
// Rule: the Python name with underscores turned into spaces, except where a value is given explicitly below.

export interface GpuConstant {
  /** Python name, e.g. `H100_SXM`. */
  name: string;
  /** The `gpu_name` value, e.g. `H100 SXM`. On the wire (search_params) spaces become `_`. */
  value: string;
  /** Marketing family, for grouping in completion. */
  family: string;
}

type Entry = string | [name: string, value: string];

const FAMILIES: ReadonlyArray<[family: string, entries: Entry[]]> = [
  [
    'NVIDIA data center',
    [
      'A10', 'A10g', 'A16', 'A30', 'A40', 'A100_PCIE', 'A100_SXM4', 'A100_SXM', 'A100X', 'A800_PCIE', 'B200', 'GH200_SXM',
      'H100_PCIE', 'H100_SXM', 'H100_NVL', 'H200', 'H200_NVL', 'L4', 'L40', 'L40S', 'Tesla_K20c', 'Tesla_K80',
      'Tesla_M40', 'Tesla_P4', 'Tesla_P6', 'Tesla_P40', 'Tesla_P100', 'Tesla_T4', 'Tesla_V100',
    ],
  ],
  [
    'GeForce / GTX',
    [
      'GeForce_970', 'GTX_750_Ti', 'GTX_1050', 'GTX_1050_Ti', 'GTX_1060', 'GTX_1070', 'GTX_1070_Ti', 'GTX_1080',
      'GTX_1080_Ti', 'GTX_1650', 'GTX_1650_S', 'GTX_1650_Ti', 'GTX_1660', 'GTX_1660_S', 'GTX_1660_Ti', 'GTX_TITAN_X',
    ],
  ],
  ['RTX 20 series', ['RTX_2060', 'RTX_2060S', 'RTX_2070', 'RTX_2070S', 'RTX_2080', 'RTX_2080S', 'RTX_2080_Ti']],
  [
    'RTX 30 series',
    [
      'RTX_3050', 'RTX_3060', 'RTX_3060_laptop', 'RTX_3060_Ti', 'RTX_3070', 'RTX_3070_laptop', 'RTX_3070_Ti', 'RTX_3080',
      'RTX_3080_Ti', 'RTX_3090', 'RTX_3090_Ti',
    ],
  ],
  [
    'RTX 40 series',
    [
      'RTX_4060', 'RTX_4060_laptop', 'RTX_4060_Ti', 'RTX_4070', 'RTX_4070_laptop', 'RTX_4070S', 'RTX_4070S_Ti',
      'RTX_4070_Ti', 'RTX_4080', 'RTX_4080_laptop', 'RTX_4080S', 'RTX_4090', 'RTX_4090D', 'RTX_4090_Ti',
    ],
  ],
  ['RTX 50 series', ['RTX_5060', 'RTX_5060_Ti', 'RTX_5070', 'RTX_5070_Ti', 'RTX_5080', 'RTX_5090', 'RTX_5090_Ti']],
  ['Titan', ['Titan_RTX', 'Titan_V', 'TITAN_V_CEO', 'Titan_X', 'Titan_Xp']],
  [
    'Quadro',
    [
      'Quadro_K620', 'Quadro_K2200', 'Quadro_P2000', 'Quadro_P4000', 'Quadro_P5000', 'Quadro_P6000', 'Quadro_GP100',
      'Quadro_GV100', 'Q_RTX_4000', 'Q_RTX_5000', 'Q_RTX_6000', 'Q_RTX_8000',
    ],
  ],
  ['RTX A series', ['RTX_A2000', 'RTX_A4000', 'RTX_A4500', 'RTX_A5000', 'RTX_A6000']],
  ['RTX Ada', ['RTX_2000Ada', 'RTX_4000Ada', 'RTX_4500Ada', 'RTX_5000Ada', 'RTX_5880Ada', 'RTX_6000Ada']],
  [
    'RTX PRO',
    [
      'RTX_PRO_4000', 'RTX_PRO_4000_Mobile', 'RTX_PRO_4500', 'RTX_PRO_5000', 'RTX_PRO_6000', 'RTX_PRO_6000_S',
      'RTX_PRO_6000_WS', ['RTX_PRO_6000_Max_Q', 'RTX PRO 6000 Max-Q'],
    ],
  ],
  ['Other NVIDIA', ['CMP_50HX', 'CMP_170HX', ['P104_100', 'P104-100'], ['P106_100', 'P106-100']]],
  [
    'AMD',
    [
      // Instinct values have no space: "InstinctMI250X", which is what the plain rule gives anyway.
      'InstinctMI50', 'InstinctMI100', 'InstinctMI210', 'InstinctMI250X',
      'PRO_W6800', 'PRO_W7800', 'PRO_W7900', 'Pro_V620', 'Radeon_VII', 'Radeon_Pro_VII',
      'RX_6800', 'RX_6800_XT', 'RX_6900_XT', 'RX_6950_XT', 'RX_7600', 'RX_7700_XT', 'RX_7800_XT', 'RX_7900_GRE',
      'RX_7900_XT', 'RX_7900_XTX',
    ],
  ],
];

function build(): Map<string, GpuConstant> {
  const out = new Map<string, GpuConstant>();
  for (const [family, entries] of FAMILIES) {
    for (const e of entries) {
      const [name, value] = typeof e === 'string' ? [e, e.replace(/_/g, ' ')] : e;
      out.set(name, { name, value, family });
    }
  }
  return out;
}

/** Every GPU constant of `vastai.data.query`, keyed by Python name, in the SDK's order. */
export const GPU_CONSTANTS: ReadonlyMap<string, GpuConstant> = build();

const byValue = new Map<string, GpuConstant>();
const byValueLower = new Map<string, GpuConstant>();
for (const g of GPU_CONSTANTS.values()) {
  byValue.set(g.value, g);
  byValueLower.set(g.value.toLowerCase(), g);
}

/**
 * The constant whose `gpu_name` value is `s`. Accepts the value as written (`H100 SXM`) or in wire form with `_`
 * for spaces (`H100_SXM`, `RTX_PRO_6000_Max-Q`). Exact case first, then case-insensitive.
 */
export function findGpuByValue(s: string): GpuConstant | undefined {
  const spaced = s.replace(/_/g, ' ');
  return (
    byValue.get(s) ??
    byValue.get(spaced) ??
    byValueLower.get(s.toLowerCase()) ??
    byValueLower.get(spaced.toLowerCase())
  );
}
