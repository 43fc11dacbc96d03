#!/usr/bin/env python3
"""Prints the benchmark table of bench/share.sh from the raw wrk outputs it saved.

  report.py ROWS.tsv DURATION

Each line of ROWS.tsv is: case, server, wrk output file, multiplier, expected status, and four
space-separated percentages of the run: CPU 0 busy with anything but the server, CPU 1 busy with
anything but wrk, and the time the hypervisor stole from CPU 0 and from CPU 1.

The multiplier turns requests/s into the unit of the case (100 for the ingest case: messages/s); an
expected status other than 2xx (e.g. 403) keeps those responses from being counted as errors. The
ratio is the taskshare row's rate over the nginx row's rate of the same case. The noise column names
other load or steal above 2% on CPU 0/CPU 1: such a run is not comparable with a quiet one. A run that
took much longer than DURATION (wrk syntax: 10, 10s, 1m) is flagged: wrk waited on stalled requests.
"""
import re
import sys

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def parse_latency(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not m:
        raise ValueError(f"unexpected latency {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(path):
    with open(path) as f:
        out = f.read()
    r = {"rps": None, "p50": None, "p99": None, "requests": 0, "elapsed": None, "non2xx": 0, "socket": {}}
    if m := re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M):
        r["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        if m := re.search(rf"^\s+{pct}(?:\.0+)?%\s+(\S+)", out, re.M):
            r[key] = parse_latency(m.group(1))
    if m := re.search(r"^\s+(\d+) requests in ([\d.]+\w+),", out, re.M):
        r["requests"] = int(m.group(1))
        r["elapsed"] = parse_latency(m.group(2)) / 1000
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        r["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        r["socket"] = {k: int(v) for k, v in zip(("connect", "read", "write", "timeout"), m.groups()) if int(v)}
    return r


def fmt_ms(v):
    if v is None:
        return "n/a"
    return f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms"


def noise(field):
    """'others0 others1 steal0 steal1' in percent -> a short note, '-' when all are small."""
    others0, others1, steal0, steal1 = (max(0, int(v)) for v in field.split())
    notes = []
    if others0 > 2 or others1 > 2:
        notes.append(f"other load {others0}%/{others1}%")
    if steal0 > 2 or steal1 > 2:
        notes.append(f"steal {steal0}%/{steal1}%")
    return ", ".join(notes) or "-"


def main():
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            if line.strip():
                case, server, path, mult, expect, other = line.rstrip("\n").split("\t")
                rows.append((case, server, parse_wrk(path), float(mult), expect, noise(other)))
    duration = parse_latency(sys.argv[2] + ("s" if sys.argv[2].isdigit() else "")) / 1000
    nginx = {case: r["rps"] for case, server, r, *_ in rows if server == "nginx"}

    table = [("case", "server", "requests/s", "p50", "p99", "vs nginx", "errors", "noise")]
    for case, server, r, mult, expect, other in rows:
        rate = "n/a" if r["rps"] is None else f"{r['rps'] * mult:,.0f}"
        if mult != 1 and r["rps"] is not None:
            rate += f" msg/s ({r['rps']:,.0f} req/s)"
        ratio = "-"
        if server != "nginx" and nginx.get(case) and r["rps"] is not None:
            ratio = f"{r['rps'] / nginx[case]:.2f}"
        errors = []
        errors += [f"{n} {kind} errors" for kind, n in r["socket"].items()]
        if r["non2xx"]:
            if expect.startswith("2"):
                errors.append(f"{r['non2xx']} non-2xx")
            elif r["non2xx"] < r["requests"]:
                errors.append(f"{r['requests'] - r['non2xx']} not {expect}")
        if r["rps"] is None:
            errors.append("no result")
        elif r["elapsed"] and r["elapsed"] > 1.2 * duration:
            errors.append(f"ran {r['elapsed']:.1f}s, not {duration:g}s")
        table.append((case, server, rate, fmt_ms(r["p50"]), fmt_ms(r["p99"]), ratio,
                      ", ".join(errors) or "none", other))

    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    right = {2, 3, 4, 5}
    for n, row in enumerate(table):
        print("  ".join(c.rjust(w) if i in right else c.ljust(w)
                        for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
