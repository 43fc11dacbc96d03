#!/usr/bin/env python3
"""The hostile account of bench/share.sh's case g: one ordinary user doing, as fast as it can, what
costs the server the most on the owner side, while wrk measures an unrelated cached link.

  hostile.py setup --base URL --key KEY --out FILE
      Stores as many secrets as the server allows (as large as it allows, up to 16 KiB each), and a
      public task naming all of them whose messages hold their values; writes the task's id and the
      names to FILE (JSON).

  hostile.py run --base URL --key KEY --state FILE --seconds S [--threads N]
      For S seconds, on N connections, repeats: replace one of the secrets (which evicts the task's
      cached views and makes its redactor be built again), delete a secret that does not exist, view
      the task's share link (a miss: redacted with every secret), append to the task and create a
      schedule (each refused once over its quota). Prints what it did and the statuses it got.
"""
import argparse
import collections
import json
import os
import threading
import time

from load import Client

MAX_VALUE = 16384
MAX_SECRETS = 1000


def value_of(i, size):
    seed = f"hostile-{i}-"
    return (seed + os.urandom(size).hex())[:size]


def cmd_setup(a):
    client = Client(a.base, a.key)
    size, names = MAX_VALUE, []
    while len(names) < MAX_SECRETS:
        name = f"HOSTILE_{len(names)}"
        resp, _ = client.request("POST", "/api/v1/secrets",
                                 json.dumps({"name": name, "value": value_of(len(names), size)}),
                                 ok=(201, 409, 413))
        if resp.status == 413 and size > 64:
            size //= 2
            continue
        if resp.status != 201:
            break
        names.append(name)
    messages = [{"role": "tool", "content": f"{n} is {value_of(i, size)[:64]}"} for i, n in enumerate(names)]
    _, body = client.request("POST", "/api/v1/tasks",
                             json.dumps({"title": "hostile", "visibility": "public", "secrets": names,
                                         "message": {"role": "user", "content": "go"}}),
                             ok=(202,))
    task = json.loads(body)["id"]
    client.request("POST", f"/api/v1/tasks/{task}/messages", json.dumps({"messages": messages}))
    with open(a.out, "w") as f:
        json.dump({"task": task, "names": names, "value_bytes": size}, f)
    print(f"hostile account: {len(names)} secrets of {size} bytes, public task {task} naming them all")


def cmd_run(a):
    with open(a.state) as f:
        state = json.load(f)
    client = Client(a.base, a.key)
    task, names, size = state["task"], state["names"], state["value_bytes"]
    counts = collections.Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + a.seconds
    all_ok = tuple(range(200, 600))

    def worker(n):
        i = n
        local = collections.Counter()
        while time.monotonic() < deadline:
            steps = [
                ("put secret", "POST", "/api/v1/secrets",
                 json.dumps({"name": names[i % len(names)], "value": value_of(i, size)}) if names else None),
                ("delete missing secret", "DELETE", f"/api/v1/secrets/NEVER_{i}", None),
                ("view own link", "GET", f"/api/v1/tasks/{task}/share", None),
                ("append", "POST", f"/api/v1/tasks/{task}/messages",
                 json.dumps({"messages": [{"role": "tool", "content": "x" * 65536}]})),
                ("create schedule", "POST", "/api/v1/schedules",
                 json.dumps({"name": f"h{i}", "task_message": "y" * 4096, "schedule_type": "recurring",
                             "scan_frequency": "hourly", "start_time": "00:00",
                             "selected_visibility_type": "public"})),
            ]
            for label, method, path, body in steps:
                if body is None and method == "POST":
                    continue
                resp, _ = client.request(method, path, body, ok=all_ok, attempts=1)
                local[(label, resp.status)] += 1
            i += a.threads
        with lock:
            counts.update(local)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(a.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(counts.values())
    detail = ", ".join(f"{label} {status}: {n}" for (label, status), n in sorted(counts.items()))
    print(f"hostile: {total} requests in {a.seconds:.0f}s ({total / a.seconds:.0f}/s): {detail}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("setup")
    sp.add_argument("--base", required=True)
    sp.add_argument("--key", required=True)
    sp.add_argument("--out", required=True)
    rp = sub.add_parser("run")
    rp.add_argument("--base", required=True)
    rp.add_argument("--key", required=True)
    rp.add_argument("--state", required=True)
    rp.add_argument("--seconds", type=float, required=True)
    rp.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    {"setup": cmd_setup, "run": cmd_run}[a.cmd](a)


if __name__ == "__main__":
    main()
