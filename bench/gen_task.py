#!/usr/bin/env python3
"""Transcripts of security-agent tasks for bench/share.sh, the same bytes for the same arguments.

  gen_task.py [N] [--seed S]  > body.json

Prints a SharedTaskResponse body (the shape of GET /api/v1/tasks/{id}/share) with N messages (default
30): an external assessment of a web application, as an agent records it. The user states the scope;
then the assistant works in rounds: a message of markdown reasoning with a tool call (a shell command,
an HTTP request, a file read), the tool's output in a message of its own, and now and then the
assistant's write-up of a finding (markdown with a code block) or a follow-up from the user. Every
message is an object {"id", "role", "parts", "created_at"} ("name" too for a tool's, after "role")
whose parts are of type text, tool-call and tool-result, as taskshare's share page renders them.

Size: the messages average 530 bytes of compact JSON, held there as they are made (each message's
length is chosen to bring the running total back to 530 bytes a message), so 30 messages make a
share response of about 16 KB and 10,000 one of about 5.3 MB whatever the seed: the sizes the
benchmark's figures have always been measured with.

Determinism: only random.Random(seed).random() and getrandbits() are used (stable across Python 3
versions), no clock, no locale, ASCII only; the task id, message ids and times derive from the seed.

No text matches taskshare's credential rules (src/redact/: token prefixes, JWTs, passwords in URLs,
Authorization or Cookie headers, key=value credentials): a share response is redacted on every cache
miss, and a transcript that needed redaction would measure the redactor rather than the serving.
"""
import argparse
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

from transcript_content import APP, HOSTS, PATHS, TOOLS, finding, follow_up, plan, scope, summary

AVERAGE_MESSAGE_BYTES = 530
# The default seed's 30 messages make the benchmark's hot task (and its spread tasks, their copies):
# 16,284 bytes, 4,378 once compressed by LZ4's high-compression mode, 3,311 by gzip -6. The response
# cache holds entries compressed, so how many spread tasks fit its budget depends on that size; this
# seed is the one of the first twenty whose sizes are closest to those of the transcripts the benchmark
# used before (16,247, 4,335 and 3,157 bytes), which keeps its figures comparable with earlier runs.
DEFAULT_SEED = 19
START = datetime(2026, 11, 20, 10, 0, 0, tzinfo=timezone.utc)


class Gen:
    """One transcript's generator: its random source, clock and running size."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.clock = START
        self.bytes = 0
        self.count = 0
        self.calls = 0

    # Random helpers on random() alone, whose sequence Python keeps from version to version.
    def pick(self, items):
        return items[int(self.rng.random() * len(items))]

    def between(self, low, high):
        return low + int(self.rng.random() * (high - low + 1))

    def chance(self, p):
        return self.rng.random() < p

    def deck(self, items):
        """A dealer of items without repeats until all are dealt, then reshuffled."""
        left = []

        def deal():
            if not left:
                left.extend(items)
                for i in range(len(left) - 1, 0, -1):  # Fisher-Yates on random()
                    j = int(self.rng.random() * (i + 1))
                    left[i], left[j] = left[j], left[i]
            return left.pop()
        return deal

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def host(self):
        return self.pick(HOSTS)

    def path(self):
        return self.pick(PATHS)

    def budget(self, typical, low, high):
        """Text bytes for the next message: its kind's typical length, plus three quarters of what the
        messages so far fall short of AVERAGE_MESSAGE_BYTES each (less when they are over), with some
        jitter, within the kind's range. So the running average stays close to AVERAGE_MESSAGE_BYTES."""
        behind = AVERAGE_MESSAGE_BYTES * self.count - self.bytes
        want = typical + behind * 3 // 4 + self.between(-typical // 4, typical // 4)
        return max(low, min(high, want))

    def message(self, role, parts, name=None):
        self.clock += timedelta(seconds=self.between(2, 95))
        m = {"id": self.uuid(), "role": role}
        if name:
            m["name"] = name
        m["parts"] = parts
        m["created_at"] = self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.bytes += len(json.dumps(m, separators=(",", ":")))
        self.count += 1
        return m


def text(t):
    return {"type": "text", "text": t}


def transcript(n, seed):
    """The task's id and its n messages."""
    g = Gen(seed)
    task_id = g.uuid()
    messages = []
    phase_tool, phase_left = None, 0
    if n > 0:
        messages.append(g.message("user", [text(scope(g, g.budget(200, 150, 700)))]))
    while len(messages) < n:
        r = g.rng.random()
        last = messages[-1]["role"]
        if r < 0.07 and last != "user":
            messages.append(g.message("user", [text(follow_up(g, g.budget(90, 60, 300)))]))
            continue
        if (r < 0.4 and last == "tool" and g.calls >= 2) or len(messages) == n - 1:
            write = summary if g.chance(0.25) and g.calls >= 6 else finding
            messages.append(g.message("assistant", [text(write(g, g.budget(440, 250, 1300)))]))
            continue
        if phase_left <= 0:  # an agent works in phases: a few rounds with one tool, then the next
            phase_tool, low, high = g.pick(TOOLS)
            phase_left = g.between(low, high)
        phase_left -= 1
        tool, call, output = phase_tool(g)
        g.calls += 1
        call_id = "call_%04d" % g.calls
        reasoning = text(plan(g, g.budget(150, 100, 450), tool, call))
        messages.append(g.message("assistant", [reasoning, {"type": "tool-call", "id": call_id, "tool": tool,
                                                            "input": call}]))
        if len(messages) < n:
            result = {"type": "tool-result", "call_id": call_id, "tool": tool,
                      "output": output(g.budget(370, 120, 1600))}
            messages.append(g.message("tool", [result], name=tool))
    return task_id, messages


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("messages", nargs="?", type=int, default=30, help="number of messages (default 30)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help=f"the same seed gives the same bytes (default {DEFAULT_SEED})")
    a = p.parse_args()
    if a.messages < 0:
        p.error("the number of messages must not be negative")
    task_id, messages = transcript(a.messages, a.seed)
    created = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"task": {"id": task_id,
                     "title": f"External assessment of {APP}", "created_at": created,
                     "updated_at": (messages[-1]["created_at"] if messages else created),
                     "visibility": "unlisted", "status": "completed", "source": "web", "model": "auto",
                     "is_isolated": False, "is_scheduled": False},
            "messages": messages, "is_shared": True, "read_only": True}
    json.dump(body, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
