#!/usr/bin/env python3
"""Data for bench/share.sh, moved through taskshare's public API.

  load.py load  --base URL --key KEY --out DIR [--gen GEN_TASK_PY] [--spread N] [--large-messages N]
                [--ingest-tasks N] [--threads N]
      Makes the transcripts with GEN_TASK_PY (default: bench/gen_task.py beside this file), creates
      the benchmark tasks with POST /api/v1/tasks and fills them with
      POST /api/v1/tasks/{id}/messages, then writes DIR/ids.json, DIR/spread_ids.txt,
      DIR/ingest_ids.txt and DIR/ingest_messages.txt (the ingest case's messages, one a line, each
      with the id @ID@ for bench/ingest.lua to replace).

  load.py fetch --base URL --out DIR --root WWW [--threads N]
      Reads every benchmarked share response back from taskshare and writes its exact bytes as
      WWW/api/v1/tasks/<id>/share (and share.gz for the hot task) for nginx to serve.
      Writes DIR/sizes.json; the spread working set is the sum of the spread responses' bytes.

  load.py verify --base URL --nginx URL --out DIR
      Checks that nginx answers the benchmarked share requests with the bytes taskshare sends.

  load.py count --base URL --key KEY --out DIR
      Prints the number of messages stored in the ingest tasks.
"""
import argparse
import gzip
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

RETRY_STATUSES = {502, 503, 504}


class Client:
    """One keep-alive connection per thread, reopened after a failure."""

    def __init__(self, base, key=None):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.key = key
        self.local = threading.local()

    def _conn(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.local.conn = conn
        return conn

    def reset(self):
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
        self.local.conn = None

    def request(self, method, path, body=None, headers=None, ok=(200,), attempts=8):
        hdrs = dict(headers or {})
        if self.key:
            hdrs["X-Api-Key"] = self.key
        if body is not None:
            hdrs["Content-Type"] = "application/json"
            if isinstance(body, str):
                body = body.encode()
        delay = 0.05
        for attempt in range(attempts):
            try:
                conn = self._conn()
                conn.request(method, path, body=body, headers=hdrs)
                resp = conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self.reset()
            except (OSError, http.client.HTTPException) as e:
                self.reset()
                if attempt + 1 == attempts:
                    raise RuntimeError(f"{method} {path}: {e}") from e
            else:
                if resp.status in ok:
                    return resp, data
                if resp.status not in RETRY_STATUSES or attempt + 1 == attempts:
                    raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {data[:300]!r}")
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")


class Progress:
    def __init__(self, label, total):
        self.label, self.total, self.done = label, total, 0
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.step = max(1, total // 10)

    def add(self, n=1):
        with self.lock:
            before, self.done = self.done, self.done + n
            if self.done // self.step != before // self.step or self.done == self.total:
                elapsed = time.monotonic() - self.start
                print(f"  {self.label}: {self.done}/{self.total} in {elapsed:.1f}s "
                      f"({self.done / max(elapsed, 1e-9):.0f}/s)", flush=True)


def run_parallel(threads, fn, items, progress):
    def one(item):
        fn(item)
        progress.add()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in pool.map(one, items):
            pass


def fresh_ids(messages):
    return [dict(m, id=str(uuid.uuid4())) for m in messages]


def create_task(client, task_id, title, visibility, messages, batch=1000):
    client.request("POST", "/api/v1/tasks",
                   json.dumps({"id": task_id, "title": title, "visibility": visibility}),
                   ok=(202, 409))  # 409: a retried create that had already been stored
    for i in range(0, len(messages), batch):
        body = json.dumps({"messages": messages[i:i + batch]}, separators=(",", ":"))
        client.request("POST", f"/api/v1/tasks/{task_id}/messages", body)


def gen_task(gen, n):
    out = subprocess.run([sys.executable, gen, str(n)], check=True, capture_output=True).stdout
    return json.loads(out)


def cmd_load(a):
    os.makedirs(a.out, exist_ok=True)
    client = Client(a.base, a.key)
    hot = gen_task(a.gen, 30)
    large = gen_task(a.gen, a.large_messages)
    title = hot["task"]["title"]
    template = hot["messages"]

    ids = {
        "hot": hot["task"]["id"],
        "large": str(uuid.uuid4()),
        "private": str(uuid.uuid4()),
        "team": str(uuid.uuid4()),
        "ingest": [str(uuid.uuid4()) for _ in range(a.ingest_tasks)],
    }
    spread = [str(uuid.uuid4()) for _ in range(a.spread)]

    t0 = time.monotonic()
    create_task(client, ids["hot"], title, "unlisted", template)
    create_task(client, ids["large"], title + " (long run)", "unlisted", large["messages"])
    create_task(client, ids["private"], title, "private", fresh_ids(template))
    create_task(client, ids["team"], title + " (team)", "team", fresh_ids(template))
    for tid in ids["ingest"]:
        create_task(client, tid, "Ingest target", "unlisted", [])
    print(f"  hot, large ({a.large_messages} messages), private, team and {a.ingest_tasks} ingest tasks "
          f"in {time.monotonic() - t0:.1f}s", flush=True)

    t1 = time.monotonic()
    progress = Progress(f"spread tasks ({len(template)} messages each)", len(spread))
    run_parallel(a.threads, lambda tid: create_task(client, tid, title, "unlisted", fresh_ids(template)),
                 spread, progress)
    spread_s = time.monotonic() - t1

    with open(os.path.join(a.out, "ids.json"), "w") as f:
        json.dump(ids, f)
    with open(os.path.join(a.out, "spread_ids.txt"), "w") as f:
        f.write("".join(t + "\n" for t in spread))
    with open(os.path.join(a.out, "ingest_ids.txt"), "w") as f:
        f.write("".join(t + "\n" for t in ids["ingest"]))
    with open(os.path.join(a.out, "ingest_messages.txt"), "w") as f:
        for m in template:
            f.write(json.dumps(dict(m, id="@ID@"), separators=(",", ":")) + "\n")
    total = time.monotonic() - t0
    print(f"loaded {4 + a.ingest_tasks + len(spread)} tasks through the API in {total:.1f}s "
          f"(spread: {len(spread)} tasks in {spread_s:.1f}s, "
          f"{2 * len(spread) / max(spread_s, 1e-9):.0f} write requests/s, {a.threads} client threads)",
          flush=True)


def write_file(root, task_id, name, data):
    d = os.path.join(root, "api", "v1", "tasks", task_id)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def cmd_fetch(a):
    with open(os.path.join(a.out, "ids.json")) as f:
        ids = json.load(f)
    with open(os.path.join(a.out, "spread_ids.txt")) as f:
        spread = f.read().split()
    client = Client(a.base)
    share = "/api/v1/tasks/{}/share"
    sizes = {}

    _, body = client.request("GET", share.format(ids["hot"]))
    write_file(a.root, ids["hot"], "share", body)
    sizes["hot"] = len(body)
    resp, gz = client.request("GET", share.format(ids["hot"]), headers={"Accept-Encoding": "gzip"})
    sizes["hot_gzip_native"] = (resp.getheader("Content-Encoding") or "").lower() == "gzip"
    if sizes["hot_gzip_native"]:
        if gzip.decompress(gz) != body:
            sys.exit("load.py: taskshare's gzip body does not decompress to its identity body")
    else:
        gz = gzip.compress(body, compresslevel=6, mtime=0)
    write_file(a.root, ids["hot"], "share.gz", gz)
    sizes["hot_gzip"] = len(gz)

    _, body = client.request("GET", share.format(ids["large"]))
    write_file(a.root, ids["large"], "share", body)
    sizes["large"] = len(body)
    sizes["large_messages"] = len(json.loads(body)["messages"])

    _, body = client.request("GET", share.format(ids["private"]), ok=(403,))
    write_file(a.root, ids["private"], "share", body)
    sizes["refused"] = len(body)

    total = [0]
    lock = threading.Lock()

    def fetch(tid):
        _, data = client.request("GET", share.format(tid))
        write_file(a.root, tid, "share", data)
        with lock:
            total[0] += len(data)

    t0 = time.monotonic()
    run_parallel(a.threads, fetch, spread, Progress("spread share responses", len(spread)))
    sizes["spread_tasks"] = len(spread)
    sizes["spread_bytes"] = total[0]
    with open(os.path.join(a.out, "sizes.json"), "w") as f:
        json.dump(sizes, f)
    print(f"fetched {len(spread) + 4} share responses in {time.monotonic() - t0:.1f}s", flush=True)


def cmd_verify(a):
    with open(os.path.join(a.out, "ids.json")) as f:
        ids = json.load(f)
    with open(os.path.join(a.out, "spread_ids.txt")) as f:
        spread = f.read().split()
    ts, ngx = Client(a.base), Client(a.nginx)
    gz = {"Accept-Encoding": "gzip"}
    checks = [(ids["hot"], {}, (200,)), (ids["hot"], gz, (200,)), (ids["large"], {}, (200,)),
              (ids["private"], {}, (403,))]
    checks += [(tid, {}, (200,)) for tid in spread[:: max(1, len(spread) // 100)]]
    for tid, headers, ok in checks:
        path = f"/api/v1/tasks/{tid}/share"
        _, mine = ts.request("GET", path, headers=headers, ok=ok)
        resp, theirs = ngx.request("GET", path, headers=headers)
        if headers and (resp.getheader("Content-Encoding") or "") == "gzip":
            theirs = gzip.decompress(theirs)
            if mine[:2] == b"\x1f\x8b":
                mine = gzip.decompress(mine)
        if mine != theirs:
            sys.exit(f"load.py: nginx and taskshare answer {path} ({headers}) with different bytes")
    print(f"nginx serves the same bytes as taskshare ({len(checks)} responses compared)")


def cmd_count(a):
    with open(os.path.join(a.out, "ingest_ids.txt")) as f:
        tasks = f.read().split()
    client = Client(a.base, a.key)
    total = 0
    for tid in tasks:
        _, body = client.request("GET", f"/api/v1/tasks/{tid}")
        total += len(json.loads(body)["messages"])
    print(total)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("load")
    lp.add_argument("--base", required=True)
    lp.add_argument("--key", required=True)
    lp.add_argument("--gen", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_task.py"))
    lp.add_argument("--out", required=True)
    lp.add_argument("--spread", type=int, default=100000)
    lp.add_argument("--large-messages", type=int, default=10000)
    lp.add_argument("--ingest-tasks", type=int, default=16)
    lp.add_argument("--threads", type=int, default=16)
    fp = sub.add_parser("fetch")
    fp.add_argument("--base", required=True)
    fp.add_argument("--out", required=True)
    fp.add_argument("--root", required=True)
    fp.add_argument("--threads", type=int, default=8)
    vp = sub.add_parser("verify")
    vp.add_argument("--base", required=True)
    vp.add_argument("--nginx", required=True)
    vp.add_argument("--out", required=True)
    cp = sub.add_parser("count")
    cp.add_argument("--base", required=True)
    cp.add_argument("--key", required=True)
    cp.add_argument("--out", required=True)
    a = p.parse_args()
    {"load": cmd_load, "fetch": cmd_fetch, "verify": cmd_verify, "count": cmd_count}[a.cmd](a)


if __name__ == "__main__":
    main()
