#!/usr/bin/env python3
"""Durable ingest with a live aggregate: the packaged node against PostgreSQL with a trigger, one after the other.

The scenario of issue "The service as fast as its engine": a table orders (id BIGINT PRIMARY KEY, customer VARCHAR,
amount INT) and a total per customer (COUNT, SUM) over 1,000 customers, fed upserts of random ids in ten million
with random amounts, in batches of N rows from 16 connections. Shardview keeps the total as a view and takes NDJSON
batches from wrk; PostgreSQL keeps it in a table by an AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW trigger and takes
each batch as one INSERT ... ON CONFLICT DO UPDATE from pgbench, synchronous_commit on. Both answers are checked after
each run (the total equals a GROUP BY of the table), and the CPU of the server and of its load generator are
reported apart (machine-wide CPU from /proc/stat; the client's from its own rusage; the node's from /proc/PID).
"""
import argparse
import contextlib
import copy
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TICKS = os.sysconf("SC_CLK_TCK")

SCHEMA_SQL = (
    "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, PRIMARY KEY (id));"
    "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders GROUP BY customer"
)

PG_SCHEMA = """
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR NOT NULL, amount INT);
CREATE TABLE totals (customer VARCHAR PRIMARY KEY, n BIGINT NOT NULL, spent BIGINT);
CREATE FUNCTION keep_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE totals SET n = n - 1, spent = spent - OLD.amount WHERE customer = OLD.customer;
    DELETE FROM totals WHERE customer = OLD.customer AND n = 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO totals AS t VALUES (NEW.customer, 1, NEW.amount)
      ON CONFLICT (customer) DO UPDATE SET n = t.n + 1, spent = t.spent + EXCLUDED.spent;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER orders_totals AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION keep_totals();
"""


def machine_cpu_seconds():
    """Busy CPU seconds of the whole machine so far (all but idle and iowait)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICKS


def stat_cpu_seconds(stat_path):
    """User + system CPU seconds from a /proc stat file (a process's or one of its threads')."""
    with open(stat_path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_cpu_seconds(pid):
    return stat_cpu_seconds(f"/proc/{pid}/stat")


def jit_cpu_seconds(pid):
    """CPU seconds of the JVM's JIT compiler threads (C1, C2) in process pid."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                if not f.read().startswith(("C1 ", "C2 ")):
                    continue
            total += stat_cpu_seconds(f"/proc/{pid}/task/{task}/stat")
        except OSError:
            pass  # a compiler thread that ended meanwhile
    return total


def run_measured(args, **kwargs):
    """Runs a command to its end; returns (stdout text, its CPU seconds from rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args, capture_output=True, text=True, check=True, **kwargs).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# ---- PostgreSQL ---------------------------------------------------------------------------------

def psql(conninfo, db, sql):
    return subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", f"{conninfo} dbname={db}",
                           "-c", sql], capture_output=True, text=True, check=True).stdout


def pgbench_script(rows):
    """One batch: row i takes an id congruent to i modulo the batch size (no id twice in a batch) and a customer of
    the i-th slice of the 1,000 (the batch names its customers in order: concurrent batches then lock rows of totals
    in one order, as an application that sorts its batches would), each uniform over all of them in the end."""
    lines = []
    span = 10_000_000 // rows
    if rows >= 1000:
        # pgbench takes at most 255 variables a statement: the rows are drawn in the server, in the same way.
        return (f"INSERT INTO orders SELECT floor(random() * {span})::bigint * {rows} + g,"
                f" 'c' || (lo + floor(random() * (hi - lo + 1)))::int, 1 + floor(random() * 1000)::int"
                f" FROM (SELECT g, 1 + g * 1000 / {rows} AS lo, greatest(1 + g * 1000 / {rows}, (g + 1) * 1000 / {rows})"
                f" AS hi FROM generate_series(0, {rows - 1}) g) s"
                " ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount;\n")
    values = []
    for i in range(rows):
        low, high = 1 + i * 1000 // rows, (i + 1) * 1000 // rows
        lines.append(f"\\set i{i} random(0, {span - 1}) * {rows} + {i}")
        lines.append(f"\\set c{i} random({low}, {high})")
        lines.append(f"\\set a{i} random(1, 1000)")
        values.append(f"(:i{i}, 'c' || :c{i}, :a{i})")
    lines.append("INSERT INTO orders VALUES " + ", ".join(values)
                 + " ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount;")
    return "\n".join(lines) + "\n"


def run_postgres(opts, rows, rate=None):
    wait_quiet()
    db = "vs_postgres"
    psql(opts.pg, "postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(opts.pg, "postgres", f"CREATE DATABASE {db}")
    psql(opts.pg, db, PG_SCHEMA)
    sync = psql(opts.pg, db, "SHOW synchronous_commit").strip() + "/" + psql(opts.pg, db, "SHOW fsync").strip()
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "batch.sql")
        with open(script, "w") as f:
            f.write(pgbench_script(rows))
        # Concurrent batches lock rows of totals in different orders and deadlock now and then; PostgreSQL
        # aborts one, which pgbench retries as an application would (counted below).
        base = ["pgbench", "-n", "-M", "prepared", "-c", str(opts.connections), "-j", str(opts.threads),
                "--max-tries=100", "-f", script]
        if opts.warmup:
            run_measured(base + ["-T", str(opts.warmup), f"{opts.pg} dbname={db}"])
        machine0 = machine_cpu_seconds()
        paced = ["-R", f"{rate:.0f}"] if rate else []
        out, client_cpu = run_measured(base + paced + ["-T", str(opts.seconds), "-l", "--log-prefix",
                                               os.path.join(tmp, "log"), f"{opts.pg} dbname={db}"], cwd=tmp)
        machine = machine_cpu_seconds() - machine0
        latencies = []
        for name in os.listdir(tmp):
            if name.startswith("log"):
                with open(os.path.join(tmp, name)) as f:
                    latencies += [int(line.split()[2]) for line in f if line.split()[2].isdigit()]
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", out)
    retried = re.search(r"number of transactions retried: (\d+)", out)
    check = psql(opts.pg, db, """
        SELECT count(*) FROM ((SELECT customer, count(*), sum(amount) FROM orders GROUP BY customer
                               EXCEPT SELECT customer, n, spent FROM totals)
                              UNION ALL
                              (SELECT customer, n, spent FROM totals
                               EXCEPT SELECT customer, count(*), sum(amount) FROM orders GROUP BY customer)) d""")
    groups = psql(opts.pg, db, "SELECT count(*) FROM totals").strip()
    # What the run left for PostgreSQL to do (its checkpoint writing the dirty pages, autovacuum of orders) would
    # otherwise run during the next measurement, taking CPU and the disk from it (which waits for a quiet machine).
    psql(opts.pg, "postgres", f"DROP DATABASE {db} WITH (FORCE)")
    psql(opts.pg, "postgres", "CHECKPOINT")
    return {
        "batches_per_s": tps,
        "rows_per_s": tps * rows,
        "p50_ms": percentile(latencies, 50) / 1000,
        "p99_ms": percentile(latencies, 99) / 1000,
        "client_cores": client_cpu / opts.seconds,
        "server_cores": (machine - client_cpu) / opts.seconds,
        "server_cpu_us_per_batch": 1e6 * (machine - client_cpu) / max(1.0, tps * opts.seconds),
        "machine_cores": machine / opts.seconds,
        "check": "ok" if check.strip() == "0" and (failed is None or failed.group(1) == "0")
        else f"WRONG ({check.strip()} differing groups, failed {failed and failed.group(1)})",
        "groups": groups,
        "durability": f"synchronous_commit/fsync {sync}",
        "retried": retried.group(1) if retried else "0",
    }


def wait_quiet(idle_cores=0.15, longest=60):
    """Waits until the machine has been nearly idle for two seconds in a row (at most `longest` seconds)."""
    quiet, start = 0, time.time()
    while quiet < 2 and time.time() - start < longest:
        before = machine_cpu_seconds()
        time.sleep(1)
        quiet = quiet + 1 if machine_cpu_seconds() - before < idle_cores else 0
    waited = time.time() - start
    if waited > 3:
        print(f"(waited {waited:.0f} s for the machine to settle)", flush=True)


def percentile(values, p):
    if not values:
        return 0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


# ---- Shardview ----------------------------------------------------------------------------------

def http(url, data=None, content_type=None):
    request = urllib.request.Request(url, data=data.encode() if data is not None else None)
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=120) as reply:
        return json.loads(reply.read())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def young_generation(java_opts):
    """-XX:NewSize as the launcher (./shardview) sets it: a quarter of -Xmx, unless the options size it."""
    match = re.search(r"(?:^|\s)-Xmx(\d+)([kKmMgG]?)(?:\s|$)", java_opts)
    if not match or re.search(r"-XX:NewSize=|-Xmn", java_opts):
        return []
    scale = {"k": 1 / 1024, "m": 1, "g": 1024, "": 1 / 1048576}[match.group(2).lower()]
    return [f"-XX:NewSize={int(int(match.group(1)) * scale) // 4}m"]


def start_node(opts, data_dir):
    port = free_port()
    args = (["java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxGCPauseMillis=50"] + young_generation(opts.java_opts)
            + opts.java_opts.split() + [
        "-jar", opts.jar, "serve", "--data-dir", data_dir, "--http-port", str(port)])
    if opts.config:
        args += ["--config", opts.config]
    log = open(os.path.join(data_dir + ".log"), "w")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(url + "/ready", timeout=2) as reply:
                if reply.status == 200:
                    return process, url
        except OSError:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit("vs-postgres: the node did not become ready; see " + data_dir + ".log")


def wrk(opts, url, rows, seconds, latency=True, rate=None, refused=False):
    script = os.path.join(HERE, "ingest.lua")
    variant = ("delay = paced_delay\n" if rate else "") + ('op = "bogus"\n' if refused else "")
    if variant:
        with open(script) as f:
            text = f.read()
        varied = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        with varied:
            varied.write(text + "\n" + variant)
        script = varied.name
    args = ["wrk", f"-t{opts.threads}", f"-c{opts.connections}", f"-d{seconds}s", "-s", script, url, "--", str(rows)]
    if rate:
        args.append(f"{rate / opts.threads:.3f}")
    if latency:
        args.insert(1, "--latency")
    try:
        out, cpu = run_measured(args)
    finally:
        if variant:
            os.unlink(script)
    line = re.search(r"vs-postgres-wrk requests=(\d+) errors_status=(\d+) p50_us=(\d+) p99_us=(\d+) "
                     r"duration_us=(\d+)", out)
    requests, errors, p50, p99, duration = (int(x) for x in line.groups())
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"requests": requests, "errors": errors, "p50_ms": p50 / 1000, "p99_ms": p99 / 1000,
            "seconds": duration / 1e6, "client_cpu": cpu,
            "socket_errors": socket_errors.group(1) if socket_errors else None}


def settle(url):
    """Waits until the tenant's version stops moving: batches cut off by the end of the load may still apply."""
    version = None
    while True:
        now = http(url + "/v1/tenants/vs")["version"]
        if now == version:
            return
        version = now
        time.sleep(1)


def journal_counts(url):
    """The journal's writes and fsync rounds so far (the node's /metrics)."""
    with urllib.request.urlopen(url + "/metrics", timeout=10) as reply:
        text = reply.read().decode()
    def counter(name):
        match = re.search(r"^" + name + r"(?:\{[^}]*\})? ([0-9.eE+]+)$", text, re.M)
        return float(match.group(1)) if match else 0.0
    return counter("shardview_journal_writes_total"), counter("shardview_journal_fsyncs_total")


def view_rows(url):
    rows, after = [], None
    while True:
        page = http(f"{url}/v1/tenants/vs/views/totals?limit=1000" + (f"&after={after}" if after else ""))
        rows += [tuple(r[c] for c in ("customer", "n", "spent")) for r in page["rows"]]
        after = page.get("next")
        if not after:
            return sorted(rows)


@contextlib.contextmanager
def fresh_node(opts):
    """The packaged node on a fresh data directory, started once the machine is quiet, with the scenario's tables;
    stopped and its directory removed afterwards."""
    wait_quiet()
    data_dir = tempfile.mkdtemp(prefix="vs-postgres-node-")
    process, url = start_node(opts, data_dir)
    try:
        http(url + "/v1/tenants/vs/sql", SCHEMA_SQL, "application/sql")
        yield process, url
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)


def run_shardview(opts, rows, rate=None):
    with fresh_node(opts) as (process, url):
        if opts.warmup:
            wrk(opts, url, rows, opts.warmup, latency=False)
        node0 = process_cpu_seconds(process.pid)
        jit0 = jit_cpu_seconds(process.pid)
        machine0 = machine_cpu_seconds()
        journal0 = journal_counts(url)
        profile = None
        if opts.profile:
            profile = subprocess.Popen([os.path.join(ROOT, "bench", "profile"), "--pid", str(process.pid),
                                        "--event", opts.profile, "--seconds", str(max(1, opts.seconds - 2)),
                                        "--out", os.path.join(ROOT, "bench", "results", f"vs-postgres-{rows}")],
                                       stdout=subprocess.PIPE, text=True)
        result = wrk(opts, url, rows, opts.seconds, rate=rate)
        journal1 = journal_counts(url)
        settle(url)
        node_cpu = process_cpu_seconds(process.pid) - node0
        jit_cpu = jit_cpu_seconds(process.pid) - jit0
        machine = machine_cpu_seconds() - machine0
        profile_text = profile.communicate()[0] if profile else None
        scratch = http(url + "/v1/tenants/vs/query",
                       json.dumps({"sql": "SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders "
                                          "GROUP BY customer"}), "application/json")
        from_scratch = sorted(tuple(r[c] for c in ("customer", "n", "spent")) for r in scratch["rows"])
        view = view_rows(url)
        batches = result["requests"] / result["seconds"]
        return {
            "batches_per_s": batches,
            "rows_per_s": batches * rows,
            "p50_ms": result["p50_ms"],
            "p99_ms": result["p99_ms"],
            "client_cores": result["client_cpu"] / result["seconds"],
            "server_cores": node_cpu / result["seconds"],
            "machine_cores": machine / result["seconds"],
            "node_cpu_us_per_batch": 1e6 * node_cpu / max(1, result["requests"]),
            # the JIT still compiling in the measured seconds (a warm-up too short for this machine) inflates the
            # node's CPU a batch: reported apart, so runs can be told apart from a slower node
            "jit_cores": jit_cpu / result["seconds"],
            "writes_per_s": (journal1[0] - journal0[0]) / result["seconds"],
            "fsyncs_per_s": (journal1[1] - journal0[1]) / result["seconds"],
            "check": "ok" if view == from_scratch and result["errors"] == 0
            else f"WRONG (view equals GROUP BY: {view == from_scratch}, non-2xx replies {result['errors']})",
            "groups": len(view),
            "socket_errors": result["socket_errors"],
            "profile": profile_text,
        }


def run_floor(opts):
    """The HTTP path alone: 1-row batches of an op the node refuses, answered 400 by the edge (parsed, routed, counted,
    answered; no tenant, no journal), with the connections and warm-up of the other runs."""
    with fresh_node(opts) as (process, url):
        version0 = http(url + "/v1/tenants/vs")["version"]
        if opts.warmup:
            wrk(opts, url, 1, opts.warmup, latency=False, refused=True)
        node0 = process_cpu_seconds(process.pid)
        machine0 = machine_cpu_seconds()
        result = wrk(opts, url, 1, opts.seconds, refused=True)
        node_cpu = process_cpu_seconds(process.pid) - node0
        machine = machine_cpu_seconds() - machine0
        version = http(url + "/v1/tenants/vs")["version"]
        return {
            "requests_per_s": result["requests"] / result["seconds"],
            "node_cores": node_cpu / result["seconds"],
            "machine_cores": machine / result["seconds"],
            "node_us": 1e6 * node_cpu / max(1, result["requests"]),
            "client_us": 1e6 * result["client_cpu"] / max(1, result["requests"]),
            "client_cores": result["client_cpu"] / result["seconds"],
            # every answer a refusal, and the tenant untouched by them (its version as the schema left it)
            "check": "ok" if result["errors"] == result["requests"] and version == version0
            else f"WRONG ({result['requests'] - result['errors']} answers not refused, tenant version {version})",
        }


def print_floor(opts, pg_one_row):
    floor = run_floor(opts)
    print(f"edge floor (1-row batches refused 400 at the edge, no tenant work): {floor['requests_per_s']:.0f} "
          f"requests/s, node {floor['node_cores']:.2f} cores ({floor['node_us']:.0f} us a request), wrk "
          f"{floor['client_cores']:.2f} cores ({floor['client_us']:.0f} us a request), machine "
          f"{floor['machine_cores']:.2f}  check {floor['check']}", flush=True)
    if pg_one_row:
        rate = 3 * pg_one_row
        print(f"           at 3x PostgreSQL's 1-row rate ({rate:.0f} batches/s) the HTTP path and wrk alone would "
              f"take {rate * (floor['node_us'] + floor['client_us']) / 1e6:.2f} cores", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="1,10", help="rows per batch, comma-separated (default 1,10)")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds per run (default 30)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured seconds before each run (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="client threads (wrk -t, pgbench -j)")
    parser.add_argument("--java-opts", default="-Xmx4g")
    parser.add_argument("--jar", default=os.path.join(ROOT, "cluster", "target", "shardview.jar"))
    parser.add_argument("--config", help="a config file for the node (serve --config)")
    parser.add_argument("--pg", default="host=127.0.0.1 port=5432 user=postgres")
    parser.add_argument("--only", choices=["postgres", "shardview"])
    parser.add_argument("--paced", type=float, default=0,
                        help="then run each system again paced at this fraction of its own measured batches/s "
                             "(e.g. 0.5: latency at half of the capacity)")
    parser.add_argument("--profile", choices=["cpu", "wall", "alloc", "lock"],
                        help="profile the node during each measured run (bench/profile)")
    parser.add_argument("--against", metavar="JAR",
                        help="compare two builds of the node, no PostgreSQL: --jar's and this one (a copy of "
                             "cluster/target/shardview.jar with its lib/ beside it), in turn --repeat times")
    parser.add_argument("--repeat", type=int, default=4, help="runs of each build with --against (default 4)")
    parser.add_argument("--floor", action="store_true",
                        help="then measure the node's HTTP path alone: 1-row batches it refuses at the edge")
    opts = parser.parse_args()
    if opts.against:
        return compare_builds(opts)
    pg_one_row = None
    for rows in [int(x) for x in opts.rows.split(",")]:
        print(f"== {rows}-row batches, {opts.connections} connections, {opts.seconds} s measured after "
              f"{opts.warmup} s of warm-up", flush=True)
        pg = None if opts.only == "shardview" else run_postgres(opts, rows)
        if pg:
            print(f"postgres:  {pg['batches_per_s']:8.0f} batches/s {pg['rows_per_s']:9.0f} rows/s  "
                  f"p50 {pg['p50_ms']:6.1f} ms p99 {pg['p99_ms']:6.1f} ms  server {pg['server_cores']:.2f} cores "
                  f"({pg['server_cpu_us_per_batch']:.0f} us/batch), "
                  f"pgbench {pg['client_cores']:.2f} cores  check {pg['check']} ({pg['groups']} groups; "
                  f"{pg['durability']}; {pg['retried']} batches retried after a deadlock)", flush=True)
        if pg and rows == 1:
            pg_one_row = pg["batches_per_s"]
        sv = None if opts.only == "postgres" else run_shardview(opts, rows)
        if sv:
            print(f"shardview: {sv['batches_per_s']:8.0f} batches/s {sv['rows_per_s']:9.0f} rows/s  "
                  f"p50 {sv['p50_ms']:6.1f} ms p99 {sv['p99_ms']:6.1f} ms  node {sv['server_cores']:.2f} cores "
                  f"({sv['node_cpu_us_per_batch']:.0f} us/batch; JIT {sv['jit_cores']:.2f}), wrk "
                  f"{sv['client_cores']:.2f} cores, machine {sv['machine_cores']:.2f}  "
                  f"check {sv['check']} ({sv['groups']} groups)"
                  + (f"  socket errors: {sv['socket_errors']}" if sv["socket_errors"] else ""), flush=True)
            print(f"           journal: {sv['writes_per_s']:.0f} writes/s, {sv['fsyncs_per_s']:.0f} fsync rounds/s "
                  f"({sv['batches_per_s'] / max(1, sv['writes_per_s']):.1f} batches a write, "
                  f"{sv['batches_per_s'] / max(1, sv['fsyncs_per_s']):.1f} a round)", flush=True)
            if sv["profile"]:
                print(sv["profile"], flush=True)
        if pg and sv:
            print(f"ratio rows/s shardview/postgres: {sv['rows_per_s'] / pg['rows_per_s']:.2f}  (server CPU a batch "
                  f"postgres/shardview {pg['server_cpu_us_per_batch'] / sv['node_cpu_us_per_batch']:.2f}, machine busy "
                  f"{pg['machine_cores']:.2f} / {sv['machine_cores']:.2f} cores)", flush=True)
        if opts.paced:
            for name, full, run in (("postgres", pg, run_postgres), ("shardview", sv, run_shardview)):
                if not full:
                    continue
                rate = full["batches_per_s"] * opts.paced
                paced = run(opts, rows, rate=rate)
                print(f"{name} paced at {opts.paced:.0%} of its capacity ({rate:.0f} batches/s asked): "
                      f"{paced['batches_per_s']:.0f} batches/s, p50 {paced['p50_ms']:.1f} ms, "
                      f"p99 {paced['p99_ms']:.1f} ms, check {paced['check']}", flush=True)
    if opts.floor and opts.only != "postgres":
        print_floor(opts, pg_one_row)


def compare_builds(opts):
    """Runs two builds in turn, so that both see the same drift of a shared machine; prints each run and the means."""
    builds = [("A", opts.jar), ("B", opts.against)]
    for rows in [int(x) for x in opts.rows.split(",")]:
        print(f"== {rows}-row batches, {opts.connections} connections, {opts.seconds} s measured after "
              f"{opts.warmup} s of warm-up; A = {opts.jar}, B = {opts.against}, in turn {opts.repeat} times",
              flush=True)
        runs = {name: [] for name, _ in builds}
        for i in range(opts.repeat):
            for name, jar in builds:
                build_opts = copy.copy(opts)
                build_opts.jar = jar
                sv = run_shardview(build_opts, rows)
                runs[name].append(sv)
                print(f"{name} run {i + 1}: {sv['batches_per_s']:8.0f} batches/s  p50 {sv['p50_ms']:5.1f} ms "
                      f"p99 {sv['p99_ms']:6.1f} ms  node {sv['server_cores']:.2f} cores "
                      f"({sv['node_cpu_us_per_batch']:.0f} us/batch; JIT {sv['jit_cores']:.2f}), wrk "
                      f"{sv['client_cores']:.2f} cores  "
                      f"check {sv['check']}", flush=True)
        means = {name: (sum(r["batches_per_s"] for r in rs) / len(rs),
                        sum(r["node_cpu_us_per_batch"] for r in rs) / len(rs)) for name, rs in runs.items()}
        wins = sum(b["batches_per_s"] > a["batches_per_s"] for a, b in zip(runs["A"], runs["B"]))
        for name, (rate, cpu) in means.items():
            print(f"{name} mean: {rate:8.0f} batches/s, {cpu:.0f} us of node CPU a batch", flush=True)
        print(f"B / A: {means['B'][0] / means['A'][0]:.3f} batches/s, {means['B'][1] / means['A'][1]:.3f} CPU a "
              f"batch; B faster in {wins} of {opts.repeat} pairs", flush=True)


if __name__ == "__main__":
    sys.exit(main())
