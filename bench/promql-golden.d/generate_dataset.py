#!/usr/bin/env python3
"""Deterministic OpenMetrics dataset for the PromQL golden suite.

Writes an OpenMetrics text file (as `promtool tsdb create-blocks-from openmetrics` reads it) covering a
2-hour window starting at T0 = 1700000000 (2023-11-14T22:13:20Z). Standard library only, fixed seed: the
same bytes on every run.

What is in it (families in file order):
  up                              gauge    5 targets (job api: host-1..3, job web: host-4..5), 15 s; 0 while down
  http_requests_total             counter  18 series (job, instance, method, code); host-2 restarts at T0+3000
                                           (reset, 110 s without samples), host-4 GET/200 resets at T0+5000,
                                           host-5 GET/500 never changes, host-3 has millisecond jitter, web is
                                           scraped at T0+7 s + 15 s*k
  process_cpu_seconds_total       counter  5 series, 10 s, fractional; host-2 resets at T0+3000
  http_request_duration_seconds   histogram job api x 3 instances x 2 methods; le 0.05..5.0,+Inf; _sum, _count;
                                           host-2 resets at T0+3000
  node_info                       gauge    value 1 (info style), instance/job/region/os/kernel, 60 s; host-5's
                                           kernel changes at T0+3600 (both series visible for 5 min after)
  node_temperature_celsius        gauge    5 instances x sensor {cpu, board}, 15 s
  account_balance                 gauge    3 series that cross zero, values on a 0.25 grid (for round/sgn/abs)
  special_values                  gauge    NaN, +Inf, -Inf sprinkled; one series NaN throughout
  gappy_gauge                     gauge    gaps of 915 s (1785 -> 2700), 305 s (> lookback) and 290 s (< lookback)
  gappy_requests_total            counter  10 min gap, reset across the gap
  ephemeral_pod_memory_bytes      gauge    pods that start and stop inside the window (one lives 100 s)
  ephemeral_tasks_completed_total counter  same pods
  queue_depth                     gauge    60 s, integers, queue x region
  service_replicas                gauge    60 s, 8 services with tied values (topk/bottomk/count_values)
  build_version                   gauge    5 instances, rollout at T0+3600 (count_values)
  disk_used_bytes/disk_total_bytes gauge   60 s, one-to-one matching with an unmatched series on each side
  legacy_latency_bucket           unknown  le buckets: a good set, one without +Inf, one non-monotonic
  round_test                      gauge    values like -2.5, 0.5, 2.5 cycling every 30 s
  memory_usage_bytes              gauge    10 s with millisecond jitter
  errors_total                    counter  a label (reason) present on some series only

Timestamps are written in seconds, with three decimals where a sample has millisecond jitter. Prometheus
parses them as int64(float64(text) * 1000) (truncating), so every written timestamp is chosen such that this
gives exactly the intended millisecond (a value that would truncate to one millisecond less is moved by 1 ms).
Values are written with Python's repr (shortest round-trip form), NaN, +Inf and -Inf.

Usage: generate_dataset.py [OUTPUT]  (default: stdout). Prints a summary on stderr.
"""
import math
import random
import sys

T0 = 1700000000  # seconds
DURATION = 7200  # seconds
T0_MS = T0 * 1000
END_MS = (T0 + DURATION) * 1000
SEED = 20231114

rng = random.Random(SEED)

INSTANCES = [
    # instance, job, region, os, kernel
    ("host-1:8080", "api", "us-east", "linux", "6.1.0"),
    ("host-2:8080", "api", "us-east", "linux", "6.1.0"),
    ("host-3:8080", "api", "eu-west", "linux", "5.15.0"),
    ("host-4:8080", "web", "eu-west", "linux", "6.1.0"),
    ("host-5:8080", "web", "ap-south", "freebsd", "13.2"),
]
JOB_OF = {i[0]: i[1] for i in INSTANCES}
RESTART_INSTANCE = "host-2:8080"
RESTART_DOWN_FROM = T0_MS + 2990_000  # last sample before the restart is before this
RESTART_UP_AT = T0_MS + 3100_000  # first sample after the restart (counters start over)
JITTER_INSTANCE = "host-3:8080"


# ---------------------------------------------------------------------------------------------------------------
# formatting helpers


def fmt_ts(ms):
    """Text for a millisecond timestamp that Prometheus's parser reads back as exactly `ms`, or None."""
    if ms % 1000 == 0:
        return str(ms // 1000)
    text = "%d.%03d" % (ms // 1000, ms % 1000)
    if int(float(text) * 1000) != ms:
        return None
    return text


def exact_ms(ms):
    """`ms`, or the nearest later millisecond whose text form is read back exactly."""
    while fmt_ts(ms) is None:
        ms += 1
    return ms


def fmt_value(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == int(v) and abs(v) < 1e15:
        return repr(float(v))  # e.g. 3.0
    return repr(v)


def fmt_labels(labels):
    if not labels:
        return ""
    parts = []
    for k, v in labels:
        v = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        parts.append('%s="%s"' % (k, v))
    return "{" + ",".join(parts) + "}"


def ticks(start_ms, end_ms, interval_ms, jitter_ms=0, r=None):
    """Scrape timestamps from start to end (inclusive) every interval, optionally jittered by +-jitter_ms."""
    out = []
    t = start_ms
    while t <= end_ms:
        ts = t
        if jitter_ms:
            ts = t + r.randint(-jitter_ms, jitter_ms)
            ts = max(ts, T0_MS)
            ts = min(ts, END_MS)
            ts = exact_ms(ts)
        out.append(ts)
        t += interval_ms
    # strictly increasing
    res = []
    for ts in out:
        if not res or ts > res[-1]:
            res.append(ts)
    return res


class Family:
    def __init__(self, name, typ, help_text):
        self.name = name
        self.typ = typ
        self.help = help_text
        self.series = []  # (metric name, labels tuple, [(ms, value)])
        self.groups = None  # for histograms: list of lists of series to interleave per timestamp

    def add(self, metric, labels, samples):
        self.series.append((metric, tuple(labels), samples))
        return self.series[-1]


FAMILIES = []


def family(name, typ, help_text):
    f = Family(name, typ, help_text)
    FAMILIES.append(f)
    return f


def restart_filter(instance, ts_list):
    if instance != RESTART_INSTANCE:
        return ts_list
    return [t for t in ts_list if t < RESTART_DOWN_FROM or t >= RESTART_UP_AT]


def instance_ticks(instance, interval_ms=15_000):
    job = JOB_OF[instance]
    offset = 7_000 if job == "web" else 0
    if instance == JITTER_INSTANCE:
        ts = ticks(T0_MS + offset, END_MS, interval_ms, jitter_ms=450, r=rng)
    else:
        ts = ticks(T0_MS + offset, END_MS, interval_ms)
    return ts


# ---------------------------------------------------------------------------------------------------------------
# families

SCRAPES = {inst: instance_ticks(inst) for inst, *_ in INSTANCES}

# up ----------------------------------------------------------------------------------------------------------
f = family("up", "gauge", "Whether the target was reachable.")
for inst, job, *_ in INSTANCES:
    samples = []
    for t in SCRAPES[inst]:
        v = 1.0
        if inst == RESTART_INSTANCE and RESTART_DOWN_FROM - 60_000 <= t < RESTART_UP_AT:
            v = 0.0  # marked down before the gap, and the gap itself has no samples
        if inst == "host-5:8080" and T0_MS + 5400_000 <= t < T0_MS + 5700_000:
            v = 0.0
        samples.append((t, v))
    samples = [(t, v) for (t, v) in samples if not (inst == RESTART_INSTANCE and RESTART_DOWN_FROM <= t < RESTART_UP_AT)]
    f.add("up", [("instance", inst), ("job", job)], samples)

# http_requests_total ----------------------------------------------------------------------------------------
f = family("http_requests", "counter", "Requests served.")
RATES = {("GET", "200"): 12.0, ("GET", "500"): 0.4, ("POST", "200"): 3.5, ("POST", "500"): 0.15, ("GET", "404"): 1.1}
for inst, job, *_ in INSTANCES:
    if job == "api":
        combos = [("GET", "200"), ("GET", "500"), ("POST", "200"), ("POST", "500")]
    else:
        combos = [("GET", "200"), ("GET", "404"), ("GET", "500")]
    for method, code in combos:
        scale = {"host-1:8080": 1.0, "host-2:8080": 0.7, "host-3:8080": 1.3, "host-4:8080": 2.0, "host-5:8080": 0.5}[inst]
        lam = RATES[(method, code)] * scale
        value = float(rng.randint(1000, 50000))
        samples = []
        prev_t = None
        for t in restart_filter(inst, SCRAPES[inst]):
            if prev_t is not None:
                dt = (t - prev_t) / 1000.0
                if inst == "host-5:8080" and code == "500":
                    inc = 0.0  # a counter that never moves
                else:
                    inc = max(0.0, round(rng.gauss(lam * dt, math.sqrt(lam * dt) + 0.5)))
                if inst == RESTART_INSTANCE and prev_t < RESTART_DOWN_FROM <= t:
                    value = inc  # process restarted: starts over from 0
                elif inst == "host-4:8080" and (method, code) == ("GET", "200") and prev_t < T0_MS + 5000_000 <= t:
                    value = 3.0  # reset to a small value
                elif inst == "host-1:8080" and (method, code) == ("POST", "500") and (
                        prev_t < T0_MS + 1500_000 <= t or prev_t < T0_MS + 1560_000 <= t):
                    value = 0.0  # two resets a minute apart
                else:
                    value += inc
            samples.append((t, value))
            prev_t = t
        f.add("http_requests_total", [("code", code), ("instance", inst), ("job", job), ("method", method)], samples)

# process_cpu_seconds_total --------------------------------------------------------------------------------------
f = family("process_cpu_seconds", "counter", "CPU time used.")
for inst, job, *_ in INSTANCES:
    ts = ticks(T0_MS + 3_000, END_MS, 10_000)
    ts = restart_filter(inst, ts)
    value = rng.uniform(100, 5000)
    samples = []
    prev_t = None
    for t in ts:
        if prev_t is not None:
            inc = rng.uniform(0.05, 0.9) * (t - prev_t) / 1000.0
            if inst == RESTART_INSTANCE and prev_t < RESTART_DOWN_FROM <= t:
                value = inc
            else:
                value += inc
        samples.append((t, round(value, 6)))
        prev_t = t
    f.add("process_cpu_seconds_total", [("instance", inst), ("job", job)], samples)

# http_request_duration_seconds (classic histogram) --------------------------------------------------------------
f = family("http_request_duration_seconds", "histogram", "Request latency.")
BUCKETS = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]
BUCKET_TEXT = ["0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf"]
f.groups = []
for inst, job, *_ in INSTANCES:
    if job != "api":
        continue
    for method in ("GET", "POST"):
        mu = {"GET": math.log(0.12), "POST": math.log(0.6)}[method] + (0.4 if inst == JITTER_INSTANCE else 0.0)
        sigma = 0.9
        lam = {"GET": 6.0, "POST": 2.0}[method]
        counts = [0] * (len(BUCKETS) + 1)
        total_sum = 0.0
        series_samples = [[] for _ in range(len(BUCKETS) + 1)]
        count_samples = []
        sum_samples = []
        prev_t = None
        for t in restart_filter(inst, SCRAPES[inst]):
            if prev_t is None:
                n = rng.randint(50, 400)
            else:
                n = max(0, int(round(rng.gauss(lam * (t - prev_t) / 1000.0, 3))))
                if inst == RESTART_INSTANCE and prev_t < RESTART_DOWN_FROM <= t:
                    counts = [0] * (len(BUCKETS) + 1)
                    total_sum = 0.0
            for _ in range(n):
                x = rng.lognormvariate(mu, sigma)
                total_sum += x
                for i, ub in enumerate(BUCKETS):
                    if x <= ub:
                        counts[i] += 1
                        break
                else:
                    counts[-1] += 1
            cum = 0
            for i in range(len(BUCKETS) + 1):
                cum += counts[i]
                series_samples[i].append((t, float(cum)))
            count_samples.append((t, float(cum)))
            sum_samples.append((t, round(total_sum, 9)))
            prev_t = t
        base = [("instance", inst), ("job", job), ("method", method)]
        group = []
        for i, le in enumerate(BUCKET_TEXT):
            group.append(f.add("http_request_duration_seconds_bucket", base + [("le", le)], series_samples[i]))
        group.append(f.add("http_request_duration_seconds_count", base, count_samples))
        group.append(f.add("http_request_duration_seconds_sum", base, sum_samples))
        f.groups.append(group)

# node_info ---------------------------------------------------------------------------------------------------
f = family("node_info", "gauge", "Static facts about a node (value 1).")
for inst, job, region, os_, kernel in INSTANCES:
    ts = ticks(T0_MS + 5_000, END_MS, 60_000)
    labels = [("instance", inst), ("job", job), ("kernel", kernel), ("os", os_), ("region", region)]
    if inst == "host-5:8080":
        before = [t for t in ts if t < T0_MS + 3600_000]
        after = [t for t in ts if t >= T0_MS + 3600_000]
        f.add("node_info", labels, [(t, 1.0) for t in before])
        labels2 = [("instance", inst), ("job", job), ("kernel", "14.0"), ("os", os_), ("region", region)]
        f.add("node_info", labels2, [(t, 1.0) for t in after])
    else:
        f.add("node_info", labels, [(t, 1.0) for t in ts])

# node_temperature_celsius -----------------------------------------------------------------------------------
f = family("node_temperature_celsius", "gauge", "Temperature.")
for inst, job, *_ in INSTANCES:
    for sensor in ("board", "cpu"):
        v = rng.uniform(35, 60) if sensor == "cpu" else rng.uniform(25, 40)
        samples = []
        for t in restart_filter(inst, SCRAPES[inst]):
            v += rng.gauss(0, 0.4)
            samples.append((t, round(v, 3)))
        f.add("node_temperature_celsius", [("instance", inst), ("job", job), ("sensor", sensor)], samples)

# account_balance ----------------------------------------------------------------------------------------------
f = family("account_balance", "gauge", "A balance crossing zero.")
for acct, start in (("a", -3.0), ("b", 0.0), ("c", 7.5)):
    v = start
    samples = []
    for t in ticks(T0_MS, END_MS, 15_000):
        v += rng.choice([-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0])
        samples.append((t, v))
    f.add("account_balance", [("account", acct)], samples)

# special_values -----------------------------------------------------------------------------------------------
f = family("special_values", "gauge", "NaN and infinities.")
NAN, INF = float("nan"), float("inf")
for kind in ("all_nan", "mixed", "nan_sometimes", "neg_inf", "pos_inf"):
    samples = []
    for k, t in enumerate(ticks(T0_MS, END_MS, 15_000)):
        base = round(rng.uniform(-10, 10), 2)
        if kind == "all_nan":
            v = NAN
        elif kind == "nan_sometimes":
            v = NAN if (k % 20 == 7 or 240 <= k < 250) else base
        elif kind == "pos_inf":
            v = INF if (k % 30 == 11 or 300 <= k < 330) else base
        elif kind == "neg_inf":
            v = -INF if (k % 25 == 3 or 100 <= k < 120) else base
        else:  # mixed
            v = [NAN, INF, -INF, 0.0, base, base][k % 6] if k % 4 != 0 else base
        samples.append((t, v))
    f.add("special_values", [("kind", kind)], samples)

# gappy_gauge ------------------------------------------------------------------------------------------------
f = family("gappy_gauge", "gauge", "Series with gaps.")
GAPS = {
    "long": (T0_MS + 1800_000, T0_MS + 2700_000),  # 15 min without samples (last sample at 1785, next at 2700)
    "just_over": (T0_MS + 4000_000, T0_MS + 4290_000),  # 305 s between samples (3985 -> 4290)
    "just_under": (T0_MS + 4000_000, T0_MS + 4275_000),  # 290 s between samples (3985 -> 4275)
}
for gap, (g0, g1) in GAPS.items():
    samples = []
    v = 100.0
    for t in ticks(T0_MS, END_MS, 15_000):
        if g0 - 15_000 < t < g1:
            continue
        v += rng.gauss(0, 2)
        samples.append((t, round(v, 2)))
    f.add("gappy_gauge", [("gap", gap)], samples)

f = family("gappy_requests", "counter", "A counter with a 10 minute gap, reset across it.")
samples = []
v = 500.0
for t in ticks(T0_MS, END_MS, 15_000):
    if T0_MS + 3000_000 < t < T0_MS + 3600_000:
        continue
    if t == T0_MS + 3600_000:
        v = 2.0
    else:
        v += rng.randint(0, 9)
    samples.append((t, v))
f.add("gappy_requests_total", [("job", "batch")], samples)

# ephemeral pods ----------------------------------------------------------------------------------------------
PODS = {
    "pod-a": (T0_MS + 600_000, T0_MS + 2400_000),
    "pod-b": (T0_MS + 2415_000, T0_MS + 5400_000),
    "pod-c": (T0_MS + 5415_000, END_MS),
    "pod-d": (T0_MS + 1000_000, T0_MS + 1100_000),
}
f = family("ephemeral_pod_memory_bytes", "gauge", "Memory of short-lived pods.")
for pod, (p0, p1) in PODS.items():
    v = float(rng.randint(100, 300)) * 1048576
    samples = []
    for t in ticks(p0, p1, 15_000):
        v += rng.randint(-4, 5) * 65536
        samples.append((t, v))
    f.add("ephemeral_pod_memory_bytes", [("namespace", "jobs"), ("pod", pod)], samples)
f = family("ephemeral_tasks_completed", "counter", "Tasks done by short-lived pods.")
for pod, (p0, p1) in PODS.items():
    v = 0.0
    samples = []
    for t in ticks(p0, p1, 15_000):
        samples.append((t, v))
        v += rng.randint(0, 4)
    f.add("ephemeral_tasks_completed_total", [("namespace", "jobs"), ("pod", pod)], samples)

# queue_depth --------------------------------------------------------------------------------------------------
f = family("queue_depth", "gauge", "Items waiting.")
for queue in ("emails", "orders", "payments"):
    for region in ("eu-west", "us-east"):
        v = rng.randint(0, 50)
        samples = []
        for t in ticks(T0_MS + 30_000, END_MS, 60_000):
            v = max(0, v + rng.randint(-8, 8))
            samples.append((t, float(v)))
        f.add("queue_depth", [("queue", queue), ("region", region)], samples)

# service_replicas -------------------------------------------------------------------------------------------
f = family("service_replicas", "gauge", "Replicas per service, with ties.")
REPLICAS = {"alpha": 3, "bravo": 3, "charlie": 5, "delta": 1, "echo": 5, "foxtrot": 8, "golf": 2, "hotel": 5}
for svc, base in REPLICAS.items():
    team = "core" if svc in ("alpha", "bravo", "charlie", "delta") else "edge"
    samples = []
    for t in ticks(T0_MS, END_MS, 60_000):
        v = base
        if svc == "bravo" and t >= T0_MS + 3600_000:
            v = 5  # scaled up: four services tie at 5
        if svc == "foxtrot" and T0_MS + 1200_000 <= t < T0_MS + 1800_000:
            v = 0
        samples.append((t, float(v)))
    f.add("service_replicas", [("service", svc), ("team", team)], samples)

# build_version -------------------------------------------------------------------------------------------------
f = family("build_version", "gauge", "Deployed build.")
for inst, job, *_ in INSTANCES:
    before = {"host-1:8080": 1.5, "host-2:8080": 1.5, "host-3:8080": 2.0, "host-4:8080": 2.0, "host-5:8080": 2.25}[inst]
    after = 2.25 if job == "api" else before
    samples = [(t, before if t < T0_MS + 3600_000 else after) for t in ticks(T0_MS, END_MS, 30_000)]
    f.add("build_version", [("instance", inst), ("job", job)], samples)

# disks ---------------------------------------------------------------------------------------------------------
DISKS_TOTAL = [("host-1:8080", "sda"), ("host-1:8080", "sdb"), ("host-1:8080", "sdc"), ("host-2:8080", "sda"),
               ("host-3:8080", "sda"), ("host-4:8080", "sda")]
DISKS_USED = [("host-1:8080", "sda"), ("host-1:8080", "sdb"), ("host-2:8080", "sda"), ("host-2:8080", "nvme0"),
              ("host-3:8080", "sda"), ("host-4:8080", "sda")]
SIZES = {}
f = family("disk_total_bytes", "gauge", "Disk size.")
for inst, dev in DISKS_TOTAL:
    size = float(rng.choice([250, 500, 1000, 2000]) * 10**9)
    SIZES[(inst, dev)] = size
    f.add("disk_total_bytes", [("device", dev), ("instance", inst), ("job", JOB_OF[inst])],
          [(t, size) for t in ticks(T0_MS + 20_000, END_MS, 60_000)])
f = family("disk_used_bytes", "gauge", "Disk space used.")
for inst, dev in DISKS_USED:
    size = SIZES.get((inst, dev), 512 * 10**9)
    used = size * rng.uniform(0.2, 0.7)
    samples = []
    for t in ticks(T0_MS + 20_000, END_MS, 60_000):
        used = min(size, used + rng.randint(-200, 1000) * 1048576)
        samples.append((t, float(int(used))))
    f.add("disk_used_bytes", [("device", dev), ("instance", inst), ("job", JOB_OF[inst])], samples)

# legacy_latency_bucket -----------------------------------------------------------------------------------------
f = family("legacy_latency_bucket", "unknown", "Bucket series typed unknown: one set lacks +Inf, one is not monotonic.")
LEGACY = {"ok": ["0.1", "1", "10", "+Inf"], "noinf": ["0.1", "1", "10"], "nonmono": ["0.1", "1", "10", "+Inf"]}
ts_legacy = ticks(T0_MS, END_MS, 30_000)
for name, les in LEGACY.items():
    cum = [0.0] * len(les)
    per_le = [[] for _ in les]
    for t in ts_legacy:
        adds = [rng.randint(0, 10) for _ in les]
        running = 0.0
        for i in range(len(les)):
            running += adds[i]
            cum[i] += running
        for i in range(len(les)):
            v = cum[i]
            if name == "nonmono" and les[i] == "1":
                v = cum[i] + 40.0  # larger than the bucket above it
            per_le[i].append((t, v))
    for i, le in enumerate(les):
        f.add("legacy_latency_bucket", [("le", le), ("set", name)], per_le[i])

# round_test ----------------------------------------------------------------------------------------------------
f = family("round_test", "gauge", "Values on .5 boundaries.")
ROUND_VALUES = {
    "halves": [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -3.5],
    "misc": [0.49999999, 1.25, -0.75, 3.14159, 2.675, -0.0, 1e-300, 123456.789],
}
for name, vals in ROUND_VALUES.items():
    samples = [(t, vals[k % len(vals)]) for k, t in enumerate(ticks(T0_MS, END_MS, 30_000))]
    f.add("round_test", [("set", name)], samples)

# memory_usage_bytes (10 s, jittered) ---------------------------------------------------------------------------
f = family("memory_usage_bytes", "gauge", "Resident memory, scraped every 10 s with jitter.")
for inst, job, *_ in INSTANCES:
    v = float(rng.randint(200, 900)) * 1048576
    samples = []
    for t in ticks(T0_MS + 2_000, END_MS - 2_000, 10_000, jitter_ms=300, r=rng):
        v = max(0.0, v + rng.randint(-3000, 3100) * 1024)
        samples.append((t, v))
    f.add("memory_usage_bytes", [("instance", inst), ("job", job)], samples)

# errors_total -----------------------------------------------------------------------------------------------
f = family("errors", "counter", "Errors; the reason label is on some series only.")
for reason in (None, "timeout", "refused"):
    labels = [("instance", "host-1:8080"), ("job", "api")]
    if reason:
        labels.append(("reason", reason))
    v = 0.0
    samples = []
    for t in SCRAPES["host-1:8080"]:
        samples.append((t, v))
        v += rng.choice([0, 0, 0, 1, 2])
    f.add("errors_total", labels, samples)


# edge_requests_total, edge_gauge: scraped every 10 s from T0, so a sample lies on every 5 min and 1 h bucket edge
# (T0+100+300k, T0+800+3600k), the case where a Prometheus 2 window [t-range, t] holds one point more than the
# rollup buckets before t: what reading rollups must get right. Their own generator, so the families above keep
# their values.
edge_rng = random.Random(SEED + 1)
f = family("edge_requests", "counter", "Requests, scraped on bucket edges.")
for inst, fractional in (("edge-1:8080", False), ("edge-2:8080", True)):
    v = 100.0
    samples = []
    for k, t in enumerate(ticks(T0_MS, END_MS, 10_000)):
        if t in (T0_MS + 1900_000, T0_MS + 2200_000, T0_MS + 2210_000, T0_MS + 4600_000):
            v = float(edge_rng.randint(0, 3))  # resets, two of them 10 s apart, some exactly on an edge
        else:
            v += edge_rng.random() * 7 if fractional else edge_rng.randint(0, 9)
        samples.append((t, v))
    f.add("edge_requests_total", [("instance", inst), ("job", "edge")], samples)
f = family("edge_gauge", "gauge", "A gauge scraped on bucket edges, with NaN and infinities.")
for inst in ("edge-1:8080", "edge-2:8080"):
    samples = []
    for t in ticks(T0_MS, END_MS, 10_000):
        v = round(edge_rng.gauss(50, 10), 2)
        offset = (t - T0_MS) // 1000
        if inst == "edge-2:8080" and offset in (1000, 1300, 4000):
            v = float("nan")  # on edges (T0+1000, +1300, +4000 are multiples of 300 s after T0+100)
        if inst == "edge-2:8080" and offset in (2500, 2510):
            v = float("inf")
        if inst == "edge-1:8080" and 3000 <= offset < 3600:
            continue  # a gap of 10 minutes
        samples.append((t, v))
    f.add("edge_gauge", [("instance", inst), ("job", "edge")], samples)


# ---------------------------------------------------------------------------------------------------------------
# output

def write(out):
    n_series = 0
    n_samples = 0
    min_t, max_t = None, None
    for fam in FAMILIES:
        out.write("# TYPE %s %s\n" % (fam.name, fam.typ))
        out.write("# HELP %s %s\n" % (fam.name, fam.help))
        if fam.groups is not None:
            # histogram: one label set at a time, all of its samples at one timestamp together
            for group in fam.groups:
                n_series += len(group)
                for k in range(len(group[0][2])):
                    for metric, labels, samples in group:
                        t, v = samples[k]
                        out.write("%s%s %s %s\n" % (metric, fmt_labels(labels), fmt_value(v), fmt_ts(t)))
                        n_samples += 1
                        min_t = t if min_t is None else min(min_t, t)
                        max_t = t if max_t is None else max(max_t, t)
        else:
            for metric, labels, samples in fam.series:
                n_series += 1
                for t, v in samples:
                    text_ts = fmt_ts(t)
                    assert text_ts is not None, (metric, labels, t)
                    out.write("%s%s %s %s\n" % (metric, fmt_labels(labels), fmt_value(v), text_ts))
                    n_samples += 1
                    min_t = t if min_t is None else min(min_t, t)
                    max_t = t if max_t is None else max(max_t, t)
    out.write("# EOF\n")
    return n_series, n_samples, min_t, max_t


def main():
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as out:
            stats = write(out)
    else:
        stats = write(sys.stdout)
    n_series, n_samples, min_t, max_t = stats
    sys.stderr.write("dataset: %d families, %d series, %d samples, %d..%d ms\n"
                     % (len(FAMILIES), n_series, n_samples, min_t, max_t))


if __name__ == "__main__":
    main()
