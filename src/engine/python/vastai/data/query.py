"""Serve-mode stand-in for `vastai.data.query`: every column and GPU constant, so `image.require(...)` lines import
and evaluate. Comparisons build inert Query objects; on a worker nothing searches offers.

The names mirror src/analysis/catalog/queryColumns.ts and gpus.ts (tests/test_vastai_stub.py checks they match).
"""

from typing import Any, Iterable

OP_TO_STR = {"eq": "==", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in": "in", "notin": "notin"}


class Query:
    """One comparison (column op value) or an and-combination of several; inert on a worker."""

    def __init__(self, column: str, op: str, value: Any):
        self.column = column
        self.op = op
        self.value = value
        self.parts = [self]

    def __and__(self, other: "Query") -> "Query":
        combined = Query(self.column, "and", None)
        combined.parts = list(self.parts) + list(getattr(other, "parts", [other]))
        return combined

    def as_dict(self) -> dict:
        out: dict = {}
        for p in self.parts:
            out.setdefault(p.column, {})[p.op] = p.value
        return out

    def __repr__(self) -> str:
        return " ".join(f"{p.column} {OP_TO_STR.get(p.op, p.op)} {p.value!r}" for p in self.parts)


class Column:
    def __init__(self, name: str):
        self.name = name

    def _q(self, op: str, value: Any) -> Query:
        return Query(self.name, op, value)

    def __eq__(self, value: Any) -> Query:  # type: ignore[override]
        return self._q("eq", value)

    def __ne__(self, value: Any) -> Query:  # type: ignore[override]
        return self._q("neq", value)

    def __gt__(self, value: Any) -> Query:
        return self._q("gt", value)

    def __ge__(self, value: Any) -> Query:
        return self._q("gte", value)

    def __lt__(self, value: Any) -> Query:
        return self._q("lt", value)

    def __le__(self, value: Any) -> Query:
        return self._q("lte", value)

    def in_(self, values: Iterable[Any]) -> Query:
        return self._q("in", list(values))

    def notin_(self, values: Iterable[Any]) -> Query:
        return self._q("notin", list(values))

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"Column({self.name!r})"


COLUMN_NAMES = (
    'gpu_name', 'gpu_ram', 'gpu_total_ram', 'gpu_max_power', 'gpu_max_temp', 'gpu_arch', 'gpu_mem_bw', 'gpu_lanes',
    'gpu_frac', 'gpu_display_active', 'gpu_ids', 'num_gpus', 'compute_cap', 'cuda_max_good', 'bw_nvlink',
    'total_flops', 'dlperf', 'cpu_name', 'cpu_cores', 'cpu_cores_effective', 'cpu_ghz', 'cpu_ram', 'cpu_arch',
    'disk_space', 'disk_bw', 'disk_name', 'avail_vol_ask_id', 'avail_vol_dph', 'avail_vol_size', 'nw_disk_min_bw',
    'nw_disk_max_bw', 'nw_disk_avg_bw', 'inet_up', 'inet_down', 'inet_up_cost', 'inet_down_cost',
    'direct_port_count', 'pcie_bw', 'pci_gen', 'dph_base', 'dph_total', 'storage_cost', 'storage_total_cost',
    'vram_costperhour', 'min_bid', 'credit_discount_max', 'flops_per_dphtotal', 'dlperf_per_dphtotal', 'is_bid',
    'platform_fee', 'host_id', 'machine_id', 'hostname', 'public_ipaddr', 'reliability', 'expected_reliability',
    'reliability_mult', 'os_version', 'driver_vers', 'driver_version', 'mobo_name', 'has_avx', 'static_ip',
    'external', 'verification', 'vericode', 'hosting_type', 'vms_enabled', 'is_vm_deverified', 'resource_type',
    'cluster_id', 'geolocode', 'rentable', 'rented', 'start_date', 'end_date', 'ask_contract_id', 'bundle_id',
    'bundled_results', 'score', 'logo', 'webpage', 'datacenter', 'verified', 'allocated_storage',
    'target_reliability', 'geolocation', 'duration', 'reliability2', 'dphtotal', 'gpu_totalram', 'gpu_totalram_GB',
    'cpu_ram_GB', 'gpu_ram_GB', 'ubuntu_version'
)

id_ = Column("id")
for _name in COLUMN_NAMES:
    globals()[_name] = Column(_name)
del _name

# GPU constants: the gpu_name value each Python name stands for.
A10 = 'A10'
A10g = 'A10g'
A16 = 'A16'
A30 = 'A30'
A40 = 'A40'
A100_PCIE = 'A100 PCIE'
A100_SXM4 = 'A100 SXM4'
A100_SXM = 'A100 SXM'
A100X = 'A100X'
A800_PCIE = 'A800 PCIE'
B200 = 'B200'
GH200_SXM = 'GH200 SXM'
H100_PCIE = 'H100 PCIE'
H100_SXM = 'H100 SXM'
H100_NVL = 'H100 NVL'
H200 = 'H200'
H200_NVL = 'H200 NVL'
L4 = 'L4'
L40 = 'L40'
L40S = 'L40S'
Tesla_K20c = 'Tesla K20c'
Tesla_K80 = 'Tesla K80'
Tesla_M40 = 'Tesla M40'
Tesla_P4 = 'Tesla P4'
Tesla_P6 = 'Tesla P6'
Tesla_P40 = 'Tesla P40'
Tesla_P100 = 'Tesla P100'
Tesla_T4 = 'Tesla T4'
Tesla_V100 = 'Tesla V100'
GeForce_970 = 'GeForce 970'
GTX_750_Ti = 'GTX 750 Ti'
GTX_1050 = 'GTX 1050'
GTX_1050_Ti = 'GTX 1050 Ti'
GTX_1060 = 'GTX 1060'
GTX_1070 = 'GTX 1070'
GTX_1070_Ti = 'GTX 1070 Ti'
GTX_1080 = 'GTX 1080'
GTX_1080_Ti = 'GTX 1080 Ti'
GTX_1650 = 'GTX 1650'
GTX_1650_S = 'GTX 1650 S'
GTX_1650_Ti = 'GTX 1650 Ti'
GTX_1660 = 'GTX 1660'
GTX_1660_S = 'GTX 1660 S'
GTX_1660_Ti = 'GTX 1660 Ti'
GTX_TITAN_X = 'GTX TITAN X'
RTX_2060 = 'RTX 2060'
RTX_2060S = 'RTX 2060S'
RTX_2070 = 'RTX 2070'
RTX_2070S = 'RTX 2070S'
RTX_2080 = 'RTX 2080'
RTX_2080S = 'RTX 2080S'
RTX_2080_Ti = 'RTX 2080 Ti'
RTX_3050 = 'RTX 3050'
RTX_3060 = 'RTX 3060'
RTX_3060_laptop = 'RTX 3060 laptop'
RTX_3060_Ti = 'RTX 3060 Ti'
RTX_3070 = 'RTX 3070'
RTX_3070_laptop = 'RTX 3070 laptop'
RTX_3070_Ti = 'RTX 3070 Ti'
RTX_3080 = 'RTX 3080'
RTX_3080_Ti = 'RTX 3080 Ti'
RTX_3090 = 'RTX 3090'
RTX_3090_Ti = 'RTX 3090 Ti'
RTX_4060 = 'RTX 4060'
RTX_4060_laptop = 'RTX 4060 laptop'
RTX_4060_Ti = 'RTX 4060 Ti'
RTX_4070 = 'RTX 4070'
RTX_4070_laptop = 'RTX 4070 laptop'
RTX_4070S = 'RTX 4070S'
RTX_4070S_Ti = 'RTX 4070S Ti'
RTX_4070_Ti = 'RTX 4070 Ti'
RTX_4080 = 'RTX 4080'
RTX_4080_laptop = 'RTX 4080 laptop'
RTX_4080S = 'RTX 4080S'
RTX_4090 = 'RTX 4090'
RTX_4090D = 'RTX 4090D'
RTX_4090_Ti = 'RTX 4090 Ti'
RTX_5060 = 'RTX 5060'
RTX_5060_Ti = 'RTX 5060 Ti'
RTX_5070 = 'RTX 5070'
RTX_5070_Ti = 'RTX 5070 Ti'
RTX_5080 = 'RTX 5080'
RTX_5090 = 'RTX 5090'
RTX_5090_Ti = 'RTX 5090 Ti'
Titan_RTX = 'Titan RTX'
Titan_V = 'Titan V'
TITAN_V_CEO = 'TITAN V CEO'
Titan_X = 'Titan X'
Titan_Xp = 'Titan Xp'
Quadro_K620 = 'Quadro K620'
Quadro_K2200 = 'Quadro K2200'
Quadro_P2000 = 'Quadro P2000'
Quadro_P4000 = 'Quadro P4000'
Quadro_P5000 = 'Quadro P5000'
Quadro_P6000 = 'Quadro P6000'
Quadro_GP100 = 'Quadro GP100'
Quadro_GV100 = 'Quadro GV100'
Q_RTX_4000 = 'Q RTX 4000'
Q_RTX_5000 = 'Q RTX 5000'
Q_RTX_6000 = 'Q RTX 6000'
Q_RTX_8000 = 'Q RTX 8000'
RTX_A2000 = 'RTX A2000'
RTX_A4000 = 'RTX A4000'
RTX_A4500 = 'RTX A4500'
RTX_A5000 = 'RTX A5000'
RTX_A6000 = 'RTX A6000'
RTX_2000Ada = 'RTX 2000Ada'
RTX_4000Ada = 'RTX 4000Ada'
RTX_4500Ada = 'RTX 4500Ada'
RTX_5000Ada = 'RTX 5000Ada'
RTX_5880Ada = 'RTX 5880Ada'
RTX_6000Ada = 'RTX 6000Ada'
RTX_PRO_4000 = 'RTX PRO 4000'
RTX_PRO_4000_Mobile = 'RTX PRO 4000 Mobile'
RTX_PRO_4500 = 'RTX PRO 4500'
RTX_PRO_5000 = 'RTX PRO 5000'
RTX_PRO_6000 = 'RTX PRO 6000'
RTX_PRO_6000_S = 'RTX PRO 6000 S'
RTX_PRO_6000_WS = 'RTX PRO 6000 WS'
RTX_PRO_6000_Max_Q = 'RTX PRO 6000 Max-Q'
CMP_50HX = 'CMP 50HX'
CMP_170HX = 'CMP 170HX'
P104_100 = 'P104-100'
P106_100 = 'P106-100'
InstinctMI50 = 'InstinctMI50'
InstinctMI100 = 'InstinctMI100'
InstinctMI210 = 'InstinctMI210'
InstinctMI250X = 'InstinctMI250X'
PRO_W6800 = 'PRO W6800'
PRO_W7800 = 'PRO W7800'
PRO_W7900 = 'PRO W7900'
Pro_V620 = 'Pro V620'
Radeon_VII = 'Radeon VII'
Radeon_Pro_VII = 'Radeon Pro VII'
RX_6800 = 'RX 6800'
RX_6800_XT = 'RX 6800 XT'
RX_6900_XT = 'RX 6900 XT'
RX_6950_XT = 'RX 6950 XT'
RX_7600 = 'RX 7600'
RX_7700_XT = 'RX 7700 XT'
RX_7800_XT = 'RX 7800 XT'
RX_7900_GRE = 'RX 7900 GRE'
RX_7900_XT = 'RX 7900 XT'
RX_7900_XTX = 'RX 7900 XTX'

GPU_CONSTANTS = {
    'A10': A10,
    'A10g': A10g,
    'A16': A16,
    'A30': A30,
    'A40': A40,
    'A100_PCIE': A100_PCIE,
    'A100_SXM4': A100_SXM4,
    'A100_SXM': A100_SXM,
    'A100X': A100X,
    'A800_PCIE': A800_PCIE,
    'B200': B200,
    'GH200_SXM': GH200_SXM,
    'H100_PCIE': H100_PCIE,
    'H100_SXM': H100_SXM,
    'H100_NVL': H100_NVL,
    'H200': H200,
    'H200_NVL': H200_NVL,
    'L4': L4,
    'L40': L40,
    'L40S': L40S,
    'Tesla_K20c': Tesla_K20c,
    'Tesla_K80': Tesla_K80,
    'Tesla_M40': Tesla_M40,
    'Tesla_P4': Tesla_P4,
    'Tesla_P6': Tesla_P6,
    'Tesla_P40': Tesla_P40,
    'Tesla_P100': Tesla_P100,
    'Tesla_T4': Tesla_T4,
    'Tesla_V100': Tesla_V100,
    'GeForce_970': GeForce_970,
    'GTX_750_Ti': GTX_750_Ti,
    'GTX_1050': GTX_1050,
    'GTX_1050_Ti': GTX_1050_Ti,
    'GTX_1060': GTX_1060,
    'GTX_1070': GTX_1070,
    'GTX_1070_Ti': GTX_1070_Ti,
    'GTX_1080': GTX_1080,
    'GTX_1080_Ti': GTX_1080_Ti,
    'GTX_1650': GTX_1650,
    'GTX_1650_S': GTX_1650_S,
    'GTX_1650_Ti': GTX_1650_Ti,
    'GTX_1660': GTX_1660,
    'GTX_1660_S': GTX_1660_S,
    'GTX_1660_Ti': GTX_1660_Ti,
    'GTX_TITAN_X': GTX_TITAN_X,
    'RTX_2060': RTX_2060,
    'RTX_2060S': RTX_2060S,
    'RTX_2070': RTX_2070,
    'RTX_2070S': RTX_2070S,
    'RTX_2080': RTX_2080,
    'RTX_2080S': RTX_2080S,
    'RTX_2080_Ti': RTX_2080_Ti,
    'RTX_3050': RTX_3050,
    'RTX_3060': RTX_3060,
    'RTX_3060_laptop': RTX_3060_laptop,
    'RTX_3060_Ti': RTX_3060_Ti,
    'RTX_3070': RTX_3070,
    'RTX_3070_laptop': RTX_3070_laptop,
    'RTX_3070_Ti': RTX_3070_Ti,
    'RTX_3080': RTX_3080,
    'RTX_3080_Ti': RTX_3080_Ti,
    'RTX_3090': RTX_3090,
    'RTX_3090_Ti': RTX_3090_Ti,
    'RTX_4060': RTX_4060,
    'RTX_4060_laptop': RTX_4060_laptop,
    'RTX_4060_Ti': RTX_4060_Ti,
    'RTX_4070': RTX_4070,
    'RTX_4070_laptop': RTX_4070_laptop,
    'RTX_4070S': RTX_4070S,
    'RTX_4070S_Ti': RTX_4070S_Ti,
    'RTX_4070_Ti': RTX_4070_Ti,
    'RTX_4080': RTX_4080,
    'RTX_4080_laptop': RTX_4080_laptop,
    'RTX_4080S': RTX_4080S,
    'RTX_4090': RTX_4090,
    'RTX_4090D': RTX_4090D,
    'RTX_4090_Ti': RTX_4090_Ti,
    'RTX_5060': RTX_5060,
    'RTX_5060_Ti': RTX_5060_Ti,
    'RTX_5070': RTX_5070,
    'RTX_5070_Ti': RTX_5070_Ti,
    'RTX_5080': RTX_5080,
    'RTX_5090': RTX_5090,
    'RTX_5090_Ti': RTX_5090_Ti,
    'Titan_RTX': Titan_RTX,
    'Titan_V': Titan_V,
    'TITAN_V_CEO': TITAN_V_CEO,
    'Titan_X': Titan_X,
    'Titan_Xp': Titan_Xp,
    'Quadro_K620': Quadro_K620,
    'Quadro_K2200': Quadro_K2200,
    'Quadro_P2000': Quadro_P2000,
    'Quadro_P4000': Quadro_P4000,
    'Quadro_P5000': Quadro_P5000,
    'Quadro_P6000': Quadro_P6000,
    'Quadro_GP100': Quadro_GP100,
    'Quadro_GV100': Quadro_GV100,
    'Q_RTX_4000': Q_RTX_4000,
    'Q_RTX_5000': Q_RTX_5000,
    'Q_RTX_6000': Q_RTX_6000,
    'Q_RTX_8000': Q_RTX_8000,
    'RTX_A2000': RTX_A2000,
    'RTX_A4000': RTX_A4000,
    'RTX_A4500': RTX_A4500,
    'RTX_A5000': RTX_A5000,
    'RTX_A6000': RTX_A6000,
    'RTX_2000Ada': RTX_2000Ada,
    'RTX_4000Ada': RTX_4000Ada,
    'RTX_4500Ada': RTX_4500Ada,
    'RTX_5000Ada': RTX_5000Ada,
    'RTX_5880Ada': RTX_5880Ada,
    'RTX_6000Ada': RTX_6000Ada,
    'RTX_PRO_4000': RTX_PRO_4000,
    'RTX_PRO_4000_Mobile': RTX_PRO_4000_Mobile,
    'RTX_PRO_4500': RTX_PRO_4500,
    'RTX_PRO_5000': RTX_PRO_5000,
    'RTX_PRO_6000': RTX_PRO_6000,
    'RTX_PRO_6000_S': RTX_PRO_6000_S,
    'RTX_PRO_6000_WS': RTX_PRO_6000_WS,
    'RTX_PRO_6000_Max_Q': RTX_PRO_6000_Max_Q,
    'CMP_50HX': CMP_50HX,
    'CMP_170HX': CMP_170HX,
    'P104_100': P104_100,
    'P106_100': P106_100,
    'InstinctMI50': InstinctMI50,
    'InstinctMI100': InstinctMI100,
    'InstinctMI210': InstinctMI210,
    'InstinctMI250X': InstinctMI250X,
    'PRO_W6800': PRO_W6800,
    'PRO_W7800': PRO_W7800,
    'PRO_W7900': PRO_W7900,
    'Pro_V620': Pro_V620,
    'Radeon_VII': Radeon_VII,
    'Radeon_Pro_VII': Radeon_Pro_VII,
    'RX_6800': RX_6800,
    'RX_6800_XT': RX_6800_XT,
    'RX_6900_XT': RX_6900_XT,
    'RX_6950_XT': RX_6950_XT,
    'RX_7600': RX_7600,
    'RX_7700_XT': RX_7700_XT,
    'RX_7800_XT': RX_7800_XT,
    'RX_7900_GRE': RX_7900_GRE,
    'RX_7900_XT': RX_7900_XT,
    'RX_7900_XTX': RX_7900_XTX,
}
