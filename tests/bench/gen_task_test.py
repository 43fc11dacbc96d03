#!/usr/bin/env python3
"""Tests of bench/gen_task.py, the benchmark's transcripts, and of the benchmark needing nothing outside
the repository. Run as: python3 -m unittest discover -s tests/bench -p '*_test.py' (from the root)."""
import json
import os
import re
import subprocess
import sys
import unittest
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "bench", "gen_task.py")

# The sizes of the transcripts the benchmark was measured with before it had its own generator: a
# 30-message share response of 16,247 bytes, 10,000 messages of 5,370,296 bytes of JSON.
HOT_BYTES = 16247
LARGE_MESSAGE_BYTES = 5370296

# What taskshare's credential rules (src/redact/) look for; a benchmark transcript must hold none.
CREDENTIAL_SHAPES = [
    r"-----BEGIN ", r"(?:AKIA|ASIA)[A-Z0-9]{16}", r"gh[pousr]_[A-Za-z0-9]{20}", r"github_pat_", r"glpat-",
    r"xox[abeoprs]-", r"hooks\.slack\.com/", r"neo_sk_", r"eyJ[A-Za-z0-9_-]{8,}\.",
    r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:\"'<>\\]*:[^\s/?#\"'<>\\]+@",
    r"(?i)\b(?:proxy-)?authorization\s*:", r"(?i)\b(?:set-)?cookie\s*:",
    r"(?i)(?:password|passwd|passphrase|secret|token|api_key|apikey|access_key|private_key|credentials?)"
    r"[\"']?\s*(?::|=)",
]


def generate(*args):
    return subprocess.run([sys.executable, GEN, *map(str, args)], check=True, capture_output=True).stdout


def compact(value):
    return json.dumps(value, separators=(",", ":"))


class GenTaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hot_bytes = generate()
        cls.hot = json.loads(cls.hot_bytes)

    def test_same_arguments_same_bytes(self):
        self.assertEqual(generate(30), self.hot_bytes)
        self.assertEqual(generate(30, "--seed", 3), generate(30, "--seed", 3))
        self.assertNotEqual(generate(30, "--seed", 3), self.hot_bytes)

    def test_a_shared_task_response_of_30_messages_about_16_kb(self):
        self.assertEqual(set(self.hot), {"task", "messages", "is_shared", "read_only"})
        self.assertEqual(len(self.hot["messages"]), 30)
        self.assertLess(abs(len(self.hot_bytes) - HOT_BYTES), HOT_BYTES * 0.03)
        self.assertTrue(self.hot["task"]["title"])
        self.assertRegex(self.hot["task"]["id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

    def test_ten_thousand_messages_about_5_mb(self):
        body = json.loads(generate(10000))
        self.assertEqual(len(body["messages"]), 10000)
        size = len(compact(body["messages"]))
        self.assertLess(abs(size - LARGE_MESSAGE_BYTES), LARGE_MESSAGE_BYTES * 0.03)
        self.assertEqual(len({m["id"] for m in body["messages"]}), 10000)

    def test_messages_of_a_security_agent(self):
        roles, part_types, times = set(), set(), []
        text = ""
        for m in self.hot["messages"] + json.loads(generate(300, "--seed", 5))["messages"]:
            self.assertEqual(list(m), ["id", "role", "parts", "created_at"] if m["role"] != "tool"
                             else ["id", "role", "name", "parts", "created_at"])
            roles.add(m["role"])
            times.append(datetime.strptime(m["created_at"], "%Y-%m-%dT%H:%M:%SZ"))
            for part in m["parts"]:
                part_types.add(part["type"])
                text += part.get("text", "") + part.get("output", "")
        self.assertEqual(roles, {"user", "assistant", "tool"})
        self.assertEqual(part_types, {"text", "tool-call", "tool-result"})
        self.assertIn("```", text)  # code blocks
        self.assertIn("| --- |", text)  # tables
        self.assertIn("### Finding", text)
        hot_times = times[:30]
        self.assertEqual(hot_times, sorted(hot_times))

    def test_tool_results_answer_their_calls(self):
        calls = {}
        for m in self.hot["messages"]:
            for part in m["parts"]:
                if part["type"] == "tool-call":
                    calls[part["id"]] = part["tool"]
                elif part["type"] == "tool-result":
                    self.assertEqual(calls.pop(part["call_id"]), part["tool"])
                    self.assertEqual(m["name"], part["tool"])

    def test_no_text_that_taskshare_would_redact(self):
        for body in (self.hot_bytes.decode(), generate(2000, "--seed", 11).decode()):
            for shape in CREDENTIAL_SHAPES:
                self.assertIsNone(re.search(shape, body), shape)

    def test_ascii_only(self):
        self.hot_bytes.decode("ascii")


class BenchmarkInputsTest(unittest.TestCase):
    def test_nothing_outside_the_repository(self):
        bench = os.path.join(ROOT, "bench")
        for name in sorted(os.listdir(bench)):
            path = os.path.join(bench, name)
            if not os.path.isfile(path):
                continue
            with open(path, encoding="utf-8") as f:
                source = f.read()
            self.assertNotIn("shared/bench", source, name)
            self.assertNotIn("SHARED_BENCH", source, name)
            self.assertIsNone(re.search(r"\$REPO/\.\.|\.\./", source), name)


if __name__ == "__main__":
    unittest.main()
