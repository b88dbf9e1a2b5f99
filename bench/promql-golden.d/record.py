#!/usr/bin/env python3
"""Runs the golden cases against a Prometheus HTTP API and writes cases.jsonl.

  record.py --url http://127.0.0.1:PORT --queries queries.txt --out cases.jsonl
  record.py --summary cases.jsonl          (one line: counts by kind and by outcome)
  record.py --list queries.txt             (the parsed cases, without querying)

queries.txt: one case a line; blank lines and lines starting with '#' are ignored.
  instant TIME EXPR
  range START END STEP EXPR
TIME, START and END are unix seconds, or T, T+N, T-N with T = 1700000000 (the dataset's start); N and STEP are
seconds, decimals allowed. EXPR is the rest of the line, sent to Prometheus as it is.

Each output line: {"id": n, "query": EXPR, "kind": "instant", "time": t} or {..., "kind": "range", "start": s,
"end": e, "step": st}, then "status" (HTTP status) and "response" (the JSON body Prometheus returned, as is;
a body that is not JSON is kept as a string). Times are numbers in seconds (integers where whole). Cases are
numbered from 1 in file order. Queries are sent as POST form bodies to /api/v1/query (query, time) and
/api/v1/query_range (query, start, end, step).
"""
import argparse
import collections
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

T0 = 1700000000
TIME_RE = re.compile(r"^(?:T(?:([+-])(\d+(?:\.\d+)?))?|(\d+(?:\.\d+)?))$")


def parse_time(tok):
    m = TIME_RE.match(tok)
    if not m:
        raise ValueError("bad time %r" % tok)
    if m.group(3) is not None:
        d = Decimal(m.group(3))
    else:
        d = Decimal(T0)
        if m.group(1):
            off = Decimal(m.group(2))
            d = d + off if m.group(1) == "+" else d - off
    return d


def parse_step(tok):
    if not re.match(r"^\d+(?:\.\d+)?$", tok):
        raise ValueError("bad step %r" % tok)
    return Decimal(tok)


def as_number(d):
    """JSON number for a Decimal: an int when whole, else the float of its text."""
    if d == d.to_integral_value():
        return int(d)
    return float(str(d))


def as_param(d):
    """Parameter text for a Decimal: no exponent, no trailing zeros."""
    if d == d.to_integral_value():
        return str(int(d))
    s = format(d, "f")
    return s.rstrip("0").rstrip(".")


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split(None, 4)
            try:
                if parts[0] == "instant":
                    kind, t, expr = line.split(None, 2)
                    cases.append({"kind": "instant", "time": parse_time(t), "query": expr.strip()})
                elif parts[0] == "range":
                    kind, s, e, st, expr = line.split(None, 4)
                    cases.append({"kind": "range", "start": parse_time(s), "end": parse_time(e),
                                  "step": parse_step(st), "query": expr.strip()})
                else:
                    raise ValueError("expected 'instant' or 'range'")
            except ValueError as ex:
                sys.exit("%s:%d: %s: %s" % (path, lineno, ex, line))
    return cases


def run(url, case):
    if case["kind"] == "instant":
        endpoint = "/api/v1/query"
        params = {"query": case["query"], "time": as_param(case["time"])}
    else:
        endpoint = "/api/v1/query_range"
        params = {"query": case["query"], "start": as_param(case["start"]), "end": as_param(case["end"]),
                  "step": as_param(case["step"])}
    data = urllib.parse.urlencode(params).encode("ascii")
    req = urllib.request.Request(url + endpoint, data=data, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    text = body.decode("utf-8")
    try:
        response = json.loads(text, object_pairs_hook=collections.OrderedDict)
    except ValueError:
        response = text
    return status, response


def record(url, queries, out):
    cases = load_cases(queries)
    counts = collections.Counter()
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for i, case in enumerate(cases, 1):
            status, response = run(url, case)
            obj = collections.OrderedDict()
            obj["id"] = i
            obj["query"] = case["query"]
            obj["kind"] = case["kind"]
            if case["kind"] == "instant":
                obj["time"] = as_number(case["time"])
            else:
                obj["start"] = as_number(case["start"])
                obj["end"] = as_number(case["end"])
                obj["step"] = as_number(case["step"])
            obj["status"] = status
            obj["response"] = response
            f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
            counts[outcome(obj)] += 1
    sys.stderr.write("recorded %d cases to %s: %s\n" % (len(cases), out, dict(counts)))


def outcome(obj):
    r = obj["response"]
    if obj["status"] != 200 or not isinstance(r, dict) or r.get("status") != "success":
        et = r.get("errorType") if isinstance(r, dict) else None
        return "error:%s:%s" % (obj["status"], et)
    data = r["data"]
    rt = data["resultType"]
    if rt in ("vector", "matrix") and not data["result"]:
        return rt + ":empty"
    return rt


def summary(path):
    kinds = collections.Counter()
    outcomes = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            kinds[obj["kind"]] += 1
            outcomes[outcome(obj)] += 1
    total = sum(kinds.values())
    parts = ["%d in all" % total] + ["%d %s" % (n, k) for k, n in sorted(kinds.items())]
    parts += ["%d %s" % (n, k) for k, n in sorted(outcomes.items())]
    print(", ".join(parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url")
    ap.add_argument("--queries")
    ap.add_argument("--out")
    ap.add_argument("--summary", metavar="CASES_JSONL")
    ap.add_argument("--list", metavar="QUERIES")
    a = ap.parse_args()
    if a.summary:
        summary(a.summary)
    elif a.list:
        for i, c in enumerate(load_cases(a.list), 1):
            if c["kind"] == "instant":
                print(i, "instant", as_param(c["time"]), c["query"])
            else:
                print(i, "range", as_param(c["start"]), as_param(c["end"]), as_param(c["step"]), c["query"])
    elif a.url and a.queries and a.out:
        record(a.url, a.queries, a.out)
    else:
        ap.error("need --url, --queries and --out, or --summary, or --list")


if __name__ == "__main__":
    main()
