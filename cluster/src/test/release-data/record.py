#!/usr/bin/env python3
"""Records what a release writes, for ReleaseDataRecoveryTest: a LevelDB data directory and a
PostgreSQL journal, each holding a tenant circuit (SQL events, batch events, snapshots with
remembered batch ids, SQL keys and change histories) and metrics shards (point batches, sealed
chunks, snapshots), plus what the node served from them before it stopped.

Run it with the packaged node of the release to record (copy cluster/target/shardview.jar and
cluster/target/lib somewhere first, so a later build does not replace them):

  cluster/src/test/release-data/record.py --jar /tmp/release/shardview.jar --out cluster/src/test/release-data/<name>

It needs a PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) for the journal part. The output:
  leveldb.tar.gz     the data directory of a single-node run, after a graceful stop
  postgres/*.csv     every table of the journal database (COPY ... CSV HEADER), after a graceful stop
  expected.json      per journal, the responses the node gave before stopping (path -> body)
  overlay.conf       the settings the node ran with (the test recovers with the same ones)
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request

TENANT = "fixture"
OVERLAY = """
shardview.tenant.snapshot-every-events = 3
shardview.metrics.snapshot-every-events = 3
shardview.metrics.shards-per-tenant = 2
"""

SQL_1 = """
CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR(20) NOT NULL, amount NUMERIC(10,2),
  placed DATE, shipped TIMESTAMP, rush BOOLEAN, note TEXT, PRIMARY KEY (id));
CREATE TABLE customers (name VARCHAR(20) NOT NULL, region CHAR(4), score DOUBLE PRECISION, PRIMARY KEY (name));
CREATE TABLE events (kind TEXT, n INT);
CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent, MAX(placed) AS last_placed
  FROM orders GROUP BY customer;
CREATE VIEW by_region AS SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS spent
  FROM orders o JOIN customers c ON o.customer = c.name GROUP BY c.region;
CREATE VIEW rush AS SELECT id, customer, shipped FROM orders WHERE rush AND note <> 'plain';
CREATE VIEW loyal AS SELECT name, score FROM customers c
  WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.name AND o.amount > 100);
CREATE VIEW kinds AS SELECT kind, SUM(n) AS total, COUNT(n) AS counted, MIN(n) AS least FROM events GROUP BY kind
"""

SQL_2 = """
CREATE VIEW recent AS SELECT id, placed FROM orders WHERE placed >= DATE '2026-03-01';
DROP VIEW rush
"""


def order(i):
    return {"id": i, "customer": ["ann", "bob", "cy", "dee"][i % 4], "amount": f"{(i * 37) % 500}.{i % 100:02d}",
            "placed": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "shipped": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00",
            "rush": i % 3 == 0, "note": ["x", "box", None, "plain"][i % 4]}


def batches():
    yield {"batch_id": "c1", "ops": [
        {"op": "insert", "table": "customers", "row": {"name": n, "region": r, "score": s}}
        for n, r, s in [("ann", "eu", 1.5), ("bob", "us", 2.25), ("cy", "eu", -0.5), ("dee", "apac", 1e10)]]}
    for b in range(8):
        ops = [{"op": "insert", "table": "orders", "row": order(b * 10 + i)} for i in range(10)]
        ops += [{"op": "insert", "table": "events", "row": {"kind": ["a", "b", None][i % 3], "n": i % 4}} for i in range(5)]
        if b > 0:
            ops.append({"op": "delete", "table": "orders", "key": {"id": (b - 1) * 10 + 3}})
            ops.append({"op": "update", "table": "orders", "row": dict(order((b - 1) * 10 + 4), amount="999.99")})
            ops.append({"op": "upsert", "table": "customers", "row": {"name": "cy", "region": "us", "score": b}})
        yield {"batch_id": f"o{b}", "ops": ops}


def request(method, url, body=None, headers=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def must(status_body, *ok):
    status, body = status_body
    if status not in ok:
        sys.exit(f"unexpected {status}: {body}")
    return body


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(jar, args, env, log):
    return subprocess.Popen(["java", "-jar", jar, "serve", *args], env=env, stdout=log, stderr=subprocess.STDOUT)


def await_ready(base, proc):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"node exited with {proc.returncode}")
        try:
            if request("GET", base + "/ready")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("node not ready")


def write_everything(base, now_ms):
    t = f"{base}/v1/tenants/{TENANT}"
    must(request("POST", t + "/sql", SQL_1, {"Content-Type": "application/sql", "Idempotency-Key": "k1"}), 200)
    for i, batch in enumerate(batches()):
        must(request("POST", t + "/ingest", json.dumps(batch), {"Content-Type": "application/json"}), 200)
        if i == 4:
            must(request("POST", t + "/sql", SQL_2, {"Content-Type": "application/sql", "Idempotency-Key": "k2"}), 200)
    # Metrics: six hours of one-minute points per series, so older windows are sealed into chunks.
    start_ms = now_ms - 6 * 3600 * 1000
    lines = []
    for host in ["a", "b", "c"]:
        ts = [start_ms + k * 60000 for k in range(360)]
        lines.append(json.dumps({"metric": {"__name__": "load", "host": host}, "values": [k % 17 + 0.25 for k in range(360)],
                                 "timestamps": ts}))
    must(request("POST", t + "/prom/api/v1/import", "\n".join(lines), {"Content-Type": "application/x-ndjson"}), 204, 200)
    influx = "\n".join(f"cpu,host=h{k % 2} user={k * 1.5},idle={100 - k}i {(now_ms - (60 - k) * 30000) * 1000000}" for k in range(60))
    must(request("POST", t + "/influx/write", influx, {"Content-Type": "text/plain"}), 204, 200)
    text = "\n".join(f'http_requests_total{{code="{c}"}} {n} {now_ms - 1000}' for c, n in [("200", 1027), ("500", 3)])
    must(request("POST", t + "/prom/api/v1/import/prometheus", text, {"Content-Type": "text/plain"}), 204, 200)


def served(base):
    t = f"{base}/v1/tenants/{TENANT}"
    out = {}
    describe = json.loads(must(request("GET", t), 200))
    out["/v1/tenants/" + TENANT] = describe
    for table in ["orders", "customers", "events"]:
        out[f"/v1/tenants/{TENANT}/tables/{table}?limit=1000"] = json.loads(must(request("GET", t + f"/tables/{table}?limit=1000"), 200))
    for view in ["totals", "by_region", "loyal", "kinds", "recent"]:
        out[f"/v1/tenants/{TENANT}/views/{view}?limit=1000"] = json.loads(must(request("GET", t + f"/views/{view}?limit=1000"), 200))
    export = must(request("GET", t + "/prom/api/v1/export?match%5B%5D=%7B__name__%3D~%22.%2B%22%7D"), 200)
    out[f"/v1/tenants/{TENANT}/prom/api/v1/export"] = sorted(line for line in export.splitlines() if line.strip())
    return out


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    if proc.wait(timeout=60) != 0:
        sys.exit(f"node stopped with {proc.returncode}")


def run(jar, work, extra_args, env, label):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(os.path.join(work, label + ".log"), "w") as log:
        proc = start(jar, ["--http-port", str(port), *extra_args], env, log)
        try:
            await_ready(base, proc)
            write_everything(base, int(time.time() * 1000))
            time.sleep(2)  # let the snapshot store finish the snapshots the last events asked for
            result = served(base)
        except BaseException:
            proc.kill()
            raise
        stop(proc)
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="release-data-")
    overlay = os.path.join(args.out, "overlay.conf")
    with open(overlay, "w") as f:
        f.write("# Settings the release ran with while record.py wrote this data.\n" + OVERLAY.lstrip())
    expected = {}

    data = os.path.join(work, "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHARDVIEW_")}
    expected["leveldb"] = run(args.jar, work, ["--data-dir", data, "--config", overlay], env, "leveldb")
    with tarfile.open(os.path.join(args.out, "leveldb.tar.gz"), "w:gz") as tar:
        tar.add(data, arcname="data")

    db = "shardview_release_data"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    cluster_port = free_port()
    penv = dict(env, SHARDVIEW_PROFILE="cluster", SHARDVIEW_JOURNAL_URL=f"jdbc:postgresql://127.0.0.1:5432/{db}",
                SHARDVIEW_SEED_NODES=f"pekko://shardview@127.0.0.1:{cluster_port}")
    subprocess.run(["java", "-jar", args.jar, "journal", "init", "--config", overlay], env=penv, check=True)
    expected["postgres"] = run(args.jar, work, ["--data-dir", os.path.join(work, "pgdata"), "--config", overlay,
                                                "--cluster-port", str(cluster_port)], penv, "postgres")
    pg_out = os.path.join(args.out, "postgres")
    os.makedirs(pg_out, exist_ok=True)
    tables = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-At", "-c",
                             "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"],
                            check=True, capture_output=True, text=True).stdout.split()
    for table in tables:
        with open(os.path.join(pg_out, table + ".csv"), "w") as f:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c",
                            f"COPY (SELECT * FROM {table} ORDER BY 1, 2) TO STDOUT WITH (FORMAT csv, HEADER)"],
                           check=True, stdout=f)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)

    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    shutil.rmtree(work)
    print("recorded into", args.out)


if __name__ == "__main__":
    main()
