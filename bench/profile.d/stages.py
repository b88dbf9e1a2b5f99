#!/usr/bin/env python3
"""Where a profiled node's samples went: by thread pool, and by stage of a request.

Reads async-profiler's collapsed stacks (thread name first, as bench/profile writes them) and prints two tables:
the share of samples per thread pool (the thread's name without its number), and per stage, a stage being the first
rule below that a stack matches (so the most specific first). Stacks are matched as text; a rule names the classes
that do the stage's work.
"""
import collections
import re
import sys

# (stage, substrings: a frame containing any is the stage's); for each frame from the leaf up, the first rule wins.
STAGES = [
    ("snapshots: taking and writing", ["Snapshot", "snapshot/", "CircuitImage"]),
    ("journal: LevelDB write and fsync", ["leveldb", "GroupSync", "FileDispatcherImpl.force", "fsync"]),
    ("journal: Pekko persistence plumbing", ["pekko/persistence"]),
    ("events: serialization (CBOR, batch deltas)", ["TenantEvent", "dataformat/cbor", "serialization/jackson",
                                                    "MetricsSerializer", "RowCodec", "RowBytes"]),
    ("large messages: measuring, cutting", ["entity/large/"]),
    ("engine: SQL circuit", ["io/shardview/circuit/"]),
    ("engine: metrics storage and PromQL", ["io/shardview/metrics/"]),
    ("entity: tenant", ["entity/tenant/TenantCircuit", "entity/tenant/TenantIngest", "entity/tenant/TenantState",
                        "entity/tenant/TenantWrites", "entity/tenant/TenantReads", "entity/tenant/TenantFollowing",
                        "entity/tenant/TenantSqlRequests", "entity/tenant/ChangeHistory",
                        "entity/tenant/ViewTopics", "entity/tenant/TenantReplica", "entity/tenant/IngestInbox",
                        "entity/tenant/DurablePoint"]),
    ("entity: metrics shard and query", ["entity/metrics/"]),
    ("group commit client (TenantQueue)", ["TenantQueue", "TenantIngress", "TenantAsk"]),
    ("edge: request parsing", ["IngestBody", "ExportRequest", "PrometheusQuery.range", "PrometheusQuery.instant",
                               "MetricsRequestBody"]),
    ("edge: reply rendering", ["TenantResponses", "http/Json", "PrometheusQuery.render"]),
    ("edge: routes, auth, limits, metrics", ["io/shardview/http/", "io/prometheus/"]),
    ("edge: Netty's HTTP codec, event loops and sockets", ["io/netty/"]),
    ("Pekko HTTP and its streams", ["pekko/http", "pekko/stream"]),
    ("Pekko IO: sockets", ["pekko/io/", "sun/nio/ch"]),
    ("Pekko sharding and cluster", ["pekko/cluster"]),
    ("actors: mailboxes, scheduling, hand-offs", ["pekko/actor", "pekko/dispatch", "ForkJoin", "Unsafe.park",
                                                  "Unsafe.unpark"]),
]

JVM_THREADS = ("[G1 ", "[GC ", "[C1 ", "[C2 ", "[VM ", "[Service Thread", "[Sweeper")

POOL = re.compile(r"^\[(.*?)(?:-\d+)?(?: tid=\d*)?\]$")


def pool_of(thread_frame):
    match = POOL.match(thread_frame)
    name = match.group(1) if match else thread_frame
    return re.sub(r"\d+$", "", name).rstrip("-#") or name


def stage_of(stack):
    frames = stack.split(";")
    if frames[0].startswith(JVM_THREADS):
        return "JVM: GC, JIT, VM threads"
    for frame in reversed(frames[1:]):
        for stage, marks in STAGES:
            if any(mark in frame for mark in marks):
                return stage
    return "other"


def main(path):
    pools = collections.Counter()
    stages = collections.Counter()
    total = 0
    for line in open(path):
        line = line.rstrip("\n")
        if not line:
            continue
        stack, samples = line.rsplit(" ", 1)
        samples = int(samples)
        total += samples
        pools[pool_of(stack.split(";", 1)[0])] += samples
        stages[stage_of(stack)] += samples
    if total == 0:
        print("no samples")
        return
    print(f"{total} samples in {path}")
    print("\nby thread pool:")
    for pool, samples in pools.most_common(12):
        print(f"  {100 * samples / total:5.1f}%  {pool}")
    print("\nby stage (first rule a stack matches):")
    for stage, samples in stages.most_common():
        print(f"  {100 * samples / total:5.1f}%  {stage}")


if __name__ == "__main__":
    main(sys.argv[1])
