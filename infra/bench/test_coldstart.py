"""Checks for infra/bench/coldstart.py, using a fake Lambda written in Python.

Run from the workspace root:  python -m unittest infra/bench/test_coldstart.py

No Rust is built: a small Python script that speaks the Lambda Runtime API
(over http.client) stands in for the function binaries, and its behaviour is
picked by its AWS_LAMBDA_FUNCTION_NAME.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import coldstart  # noqa: E402

SCRIPT = os.path.join(HERE, "coldstart.py")
SPLICE = os.path.join(HERE, "splice.py")

# The fake function.  The mode is its function name (AWS_LAMBDA_FUNCTION_NAME);
# unknown names behave like a healthy function.
FAKE_FUNCTION = r'''#!{python} -IS
import http.client, json, os, sys, time

api = os.environ["AWS_LAMBDA_RUNTIME_API"]
name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
prefix = "/2018-06-01/runtime"
conn = http.client.HTTPConnection(api, timeout=30)

def call(method, path, body=None, headers=None, chunked=False):
    conn.request(method, path, body=body, headers=headers or {{}}, encode_chunked=chunked)
    resp = conn.getresponse()
    return resp, resp.read()

def post_json(path, doc, headers=None):
    return call("POST", path, json.dumps(doc).encode(), dict(headers or {{}}, **{{"Content-Type": "application/json"}}))

if name == "exit-early":
    sys.exit(3)
if name == "hang":
    time.sleep(60)
if name == "init-error":
    post_json(prefix + "/init/error", {{"errorType": "Runtime.InitError", "errorMessage": "config missing at init"}},
              {{"Lambda-Runtime-Function-Error-Type": "Runtime.InitError"}})
    sys.exit(1)
if name == "slow":
    time.sleep(int(os.environ["FAKE_INIT_DELAY_MS"]) / 1000)

resp, event = call("GET", prefix + "/invocation/next")
rid = resp.getheader("Lambda-Runtime-Aws-Request-Id")
dump_dir = os.environ.get("FAKE_DUMP_DIR")
if dump_dir:
    with open(os.path.join(dump_dir, name + ".json"), "w") as fh:
        json.dump({{"event": json.loads(event), "headers": dict(resp.getheaders()), "env": dict(os.environ),
                   "now_ms": int(time.time() * 1000)}}, fh)

if name == "invoke-error":
    post_json(prefix + "/invocation/" + rid + "/error", {{"errorType": "Handler", "errorMessage": "handler exploded"}},
              {{"Lambda-Runtime-Function-Error-Type": "Handler"}})
elif name == "status500":
    post_json(prefix + "/invocation/" + rid + "/response", {{"statusCode": 502, "body": "upstream down"}})
elif name == "slow":  # streaming response: JSON prelude, 8 NULs, body, sent chunked
    prelude = json.dumps({{"statusCode": 201, "headers": {{}}}}).encode()
    call("POST", prefix + "/invocation/" + rid + "/response", iter([prelude, b"\0" * 8, b"streamed"]),
         {{"Lambda-Runtime-Function-Response-Mode": "streaming"}}, chunked=True)
else:
    post_json(prefix + "/invocation/" + rid + "/response", {{"statusCode": 200, "body": "ok"}})

if name == "exit-after-response":
    sys.exit(0)
call("GET", prefix + "/invocation/next")  # blocks until the harness kills us
'''

EVENT = {
    "version": "2.0",
    "routeKey": "GET /partners",
    "rawPath": "/partners",
    "rawQueryString": "",
    "headers": {"host": "api.example.com"},
    "requestContext": {
        "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
        "http": {"method": "GET", "path": "/partners", "protocol": "HTTP/1.1",
                 "sourceIp": "127.0.0.1", "userAgent": "coldstart"},
        "requestId": "req", "routeKey": "GET /partners", "stage": "$default",
        "time": "01/Jan/2025:00:00:00 +0000", "timeEpoch": 1735689600000,
    },
    "isBase64Encoded": False,
}


def parse_table(text: str) -> dict:
    """Rows of the Markdown table printed by coldstart, keyed by function name."""
    rows = {}
    lines = [l for l in text.splitlines() if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        row = dict(zip(header, cells))
        rows[row["function"].replace(" (baseline)", "")] = row
    return rows


class FakeFunctionMixin:
    def make_fakes(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="coldstart-test-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name
        self.fake = os.path.join(self.dir, "fake-lambda")
        with open(self.fake, "w") as fh:
            fh.write(FAKE_FUNCTION.format(python=sys.executable))
        os.chmod(self.fake, 0o755)
        self.big = os.path.join(self.dir, "big-lambda")  # same program, padded past 20 kB
        with open(self.big, "w") as fh:
            fh.write(FAKE_FUNCTION.format(python=sys.executable) + "#" * 30_000 + "\n")
        os.chmod(self.big, 0o755)
        self.event = os.path.join(self.dir, "event.json")
        with open(self.event, "w") as fh:
            json.dump(EVENT, fh)
        self.dumps = os.path.join(self.dir, "dumps")
        os.mkdir(self.dumps)


class PureLogicTests(unittest.TestCase):
    def _binary(self, name: str, size: int, baseline: bool = False) -> coldstart.Binary:
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as fh:
            fh.truncate(size)
        return coldstart.Binary(name=name, path=path, event=b"{}", is_baseline=baseline)

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def _result(self, binary, init_ms, invoke_ms=1.0, status=None, failure=None):
        samples = [coldstart.Sample(int(ms * 1e6), int(invoke_ms * 1e6), status) for ms in init_ms]
        return coldstart.BinaryResult(binary, samples, failure)

    def test_ratio_percentile_and_gates(self) -> None:
        base = self._result(self._binary("hello", 1_000, True), [10, 12, 11, 13, 14, 10, 12, 11, 13, 40])
        fast = self._result(self._binary("fast", 1_000), [20, 24, 22, 26, 28, 20, 24, 22, 26, 80], status=200)
        slow = self._result(self._binary("slow", 1_000), [v * 3.5 for v in [10, 12, 11, 13, 14, 10, 12, 11, 13, 40]])
        big = self._result(self._binary("big", 10_000_001), [10, 12, 11, 13, 14, 10, 12, 11, 13, 40])
        rows = {r.name: r for r in coldstart.summarize([base, fast, slow, big])}

        self.assertAlmostEqual(rows["hello"].median_init_ms, 12.0)
        self.assertAlmostEqual(rows["fast"].median_init_ms, 24.0)
        self.assertAlmostEqual(rows["fast"].init_ratio, 2.0)
        self.assertAlmostEqual(rows["slow"].init_ratio, 3.5)
        # p90, inclusive linear interpolation: sorted[8] + 0.1 * (sorted[9] - sorted[8])
        self.assertAlmostEqual(rows["hello"].p90_init_ms, 14 + 0.1 * (40 - 14))
        self.assertEqual(rows["big"].size_bytes, 10_000_001)
        self.assertAlmostEqual(rows["big"].size_mb, 10.000001)

        problems = coldstart.evaluate(list(rows.values()), max_init_ratio=3.0, max_size_mb=10)
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("slow: median init 42.00 ms is 3.50x the baseline median", problems[0])
        self.assertIn("big: binary is 10.00 MB (10000001 bytes), over --max-size-mb 10", problems[1])
        self.assertEqual(coldstart.evaluate(list(rows.values()), 3.5, 10.000001), [])
        # A binary with a limit of its own is held to that one alone.
        self.assertEqual(coldstart.evaluate(list(rows.values()), 3.5, 10, {"big": 11}), [])
        own = coldstart.evaluate(list(rows.values()), 3.5, 1, {"big": 5})
        self.assertIn("big: binary is 10.00 MB (10000001 bytes), over --size-limit 5", own)
        self.assertEqual(coldstart._size_limits(["big=12.5"]), {"big": 12.5})
        with self.assertRaises(SystemExit):
            coldstart._size_limits(["big"])
        self.assertEqual(len(coldstart.evaluate(list(rows.values()), 1.9, 20)), 2)  # fast + slow

        table = parse_table(coldstart.render_table(list(rows.values())))
        self.assertEqual(table["hello"]["init ratio to baseline"], "1.00")
        self.assertEqual(table["fast"]["init ratio to baseline"], "2.00")
        self.assertEqual(table["fast"]["median init ms"], "24.00")
        self.assertEqual(table["hello"]["p90 init ms"], "16.60")
        self.assertEqual(table["big"]["size MB"], "10.00")
        self.assertEqual(table["big"]["size bytes"], "10000001")
        self.assertEqual(table["fast"]["statusCode"], "200")

    def test_failed_binaries_are_reported_not_averaged(self) -> None:
        base = self._result(self._binary("hello", 10, True), [10] * 10)
        broken = self._result(self._binary("broken", 10), [10, 11], failure="run 3: boom")
        rows = coldstart.summarize([base, broken])
        self.assertIsNone(rows[1].median_init_ms)
        self.assertEqual(coldstart.evaluate(rows, 3.0, 10), ["broken: run 3: boom"])
        self.assertIn("| broken | FAILED | FAILED | FAILED |", coldstart.render_table(rows))
        # A failed baseline fails the run and leaves no ratio to compare with.
        base.failure = "run 1: timeout"
        rows = coldstart.summarize([base, self._result(self._binary("ok", 10), [10] * 10)])
        self.assertIsNone(rows[1].init_ratio)
        self.assertEqual(coldstart.evaluate(rows, 3.0, 10), ["hello (baseline): run 1: timeout"])

    def test_markdown_splice(self) -> None:
        B, E = coldstart.BEGIN_MARKER, coldstart.END_MARKER
        # No markers: appended at the end, the rest untouched.
        doc = "# Performance\n\nSome prose."
        out = coldstart.splice_markdown(doc, "TABLE v1\n")
        self.assertEqual(out, f"# Performance\n\nSome prose.\n\n{B}\nTABLE v1\n{E}\n")
        # Markers present: only what is between them is replaced.
        out2 = coldstart.splice_markdown(out + "\n## After\ntail\n", "TABLE v2")
        self.assertEqual(out2, f"# Performance\n\nSome prose.\n\n{B}\nTABLE v2\n{E}\n\n## After\ntail\n")
        self.assertEqual(coldstart.splice_markdown(out2, "TABLE v2"), out2)  # idempotent
        # Markers in the middle with stale content spanning several lines.
        doc = f"intro\n{B}\nold 1\nold 2\n{E}\noutro\n"
        self.assertEqual(coldstart.splice_markdown(doc, "new"), f"intro\n{B}\nnew\n{E}\noutro\n")
        self.assertEqual(coldstart.splice_markdown("", "x"), f"{B}\nx\n{E}\n")
        with self.assertRaises(ValueError):
            coldstart.splice_markdown(f"{B}\nno end\n", "x")
        with self.assertRaises(ValueError):
            coldstart.splice_markdown(f"{E}\n{B}\n", "x")

    def test_named_sections_leave_each_other_alone(self) -> None:
        B, E = coldstart.BEGIN_MARKER, coldstart.END_MARKER
        self.assertEqual(coldstart.markers("coldstart"), (B, E))
        tb, te = coldstart.markers("telemetry")
        self.assertEqual((tb, te), ("<!-- telemetry:begin -->", "<!-- telemetry:end -->"))
        doc = f"# Perf\n\n{tb}\nold telemetry\n{te}\n\nprose\n\n{B}\nold cold\n{E}\n"
        out = coldstart.splice_markdown(doc, "new telemetry\n", tb, te)
        self.assertEqual(out, f"# Perf\n\n{tb}\nnew telemetry\n{te}\n\nprose\n\n{B}\nold cold\n{E}\n")
        out = coldstart.splice_markdown(out, "new cold")
        self.assertEqual(out, f"# Perf\n\n{tb}\nnew telemetry\n{te}\n\nprose\n\n{B}\nnew cold\n{E}\n")
        # A section whose markers are absent is appended, after the other one.
        out = coldstart.splice_markdown(f"intro\n\n{B}\ncold\n{E}\n", "t", tb, te)
        self.assertEqual(out, f"intro\n\n{B}\ncold\n{E}\n\n{tb}\nt\n{te}\n")
        with self.assertRaises(ValueError):
            coldstart.splice_markdown(f"{tb}\nno end\n{E}\n", "x", tb, te)

    def test_splice_script_writes_a_named_section_from_stdin(self) -> None:
        B, E = coldstart.BEGIN_MARKER, coldstart.END_MARKER
        tb, te = coldstart.markers("telemetry")
        md = os.path.join(self.tmp.name, "PERF.md")
        with open(md, "w") as fh:
            fh.write(f"intro\n\n{tb}\nstale\n{te}\n\n{B}\ncold\n{E}\n")

        def splice(stdin: str, *args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, SPLICE, *args], input=stdin,
                                  capture_output=True, text=True, timeout=30)

        def text() -> str:
            with open(md) as fh:
                return fh.read()

        p = splice("| a | b |\n|---|---|\n", "telemetry", md)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(text(), f"intro\n\n{tb}\n| a | b |\n|---|---|\n{te}\n\n{B}\ncold\n{E}\n")
        # Nothing on stdin (the benchmark failed): the section is kept, and that is an error.
        before = text()
        p = splice(" \n", "telemetry", md)
        self.assertEqual(p.returncode, 1)
        self.assertIn("left as it was", p.stderr)
        self.assertEqual(text(), before)
        self.assertEqual(splice("x", "bad name!", md).returncode, 2)
        self.assertEqual(splice("x", "telemetry").returncode, 2)

    def test_env_file_and_arguments(self) -> None:
        path = os.path.join(self.tmp.name, "bench.env")
        with open(path, "w") as fh:
            fh.write("# comment\n\nTABLE_NAME=partners\nexport STAGE='dev'\nQUOTED=\"a b\"\nEMPTY=\n")
        self.assertEqual(
            coldstart.parse_env_file(path),
            {"TABLE_NAME": "partners", "STAGE": "dev", "QUOTED": "a b", "EMPTY": ""},
        )
        exe = self._binary("hello", 10, True).path
        os.chmod(exe, 0o755)
        with contextlib.redirect_stderr(io.StringIO()) as err:
            with self.assertRaises(SystemExit) as cm:
                coldstart.main(["--baseline", f"hello={exe}", "--runs", "9"])
        self.assertEqual(cm.exception.code, 2)
        self.assertIn("must be at least 10", err.getvalue())
        with contextlib.redirect_stderr(io.StringIO()) as err:
            with self.assertRaises(SystemExit):
                coldstart.main(["--baseline", f"hello={exe}", "--function", f"f={exe}:/nonexistent.json"])
        self.assertIn("cannot read event", err.getvalue())


class EndToEndTests(FakeFunctionMixin, unittest.TestCase):
    def setUp(self) -> None:
        self.make_fakes()

    def test_passing_run_via_cli(self) -> None:
        env_file = os.path.join(self.dir, "bench.env")
        with open(env_file, "w") as fh:
            fh.write(f"FAKE_DUMP_DIR={self.dumps}\nFROM_FILE=1\nOVERRIDDEN=file\n")
        md = os.path.join(self.dir, "PERF.md")
        with open(md, "w") as fh:
            fh.write(f"# Perf\n\nintro\n\n{coldstart.BEGIN_MARKER}\nSTALE RESULTS\n{coldstart.END_MARKER}\n\nfooter\n")
        cmd = [
            sys.executable, SCRIPT, "--baseline", f"hello={self.fake}",
            "--function", f"api={self.fake}:{self.event}", "--runs", "10",
            "--env-file", env_file, "--env", "OVERRIDDEN=cli", "--env", "WITH_EQUALS=a=b",
            "--markdown-out", md,
        ]
        host_env = dict(os.environ, COLDSTART_HOST_ONLY="leak")
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=host_env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("coldstart: PASS", proc.stderr)
        self.assertIn("round 10/10", proc.stderr)

        rows = parse_table(proc.stdout)
        self.assertEqual(set(rows), {"hello", "api"})
        base_med = float(rows["hello"]["median init ms"])
        api_med = float(rows["api"]["median init ms"])
        self.assertGreater(base_med, 1.0)  # a Python process cannot start in under 1 ms
        self.assertLess(base_med, 10_000)
        self.assertGreaterEqual(float(rows["api"]["p90 init ms"]), api_med)
        self.assertAlmostEqual(float(rows["api"]["init ratio to baseline"]), api_med / base_med, delta=0.02)
        self.assertEqual(rows["hello"]["init ratio to baseline"], "1.00")
        self.assertGreater(float(rows["api"]["median first invoke ms"]), 0.0)
        self.assertEqual(rows["api"]["statusCode"], "200")
        self.assertEqual(rows["hello"]["statusCode"], "200")
        size = os.path.getsize(self.fake)
        self.assertEqual(rows["api"]["size bytes"], str(size))
        self.assertEqual(rows["api"]["size MB"], f"{size / 1e6:.2f}")

        # What the function saw: the event, the runtime headers, the environment.
        with open(os.path.join(self.dumps, "api.json")) as fh:
            api = json.load(fh)
        with open(os.path.join(self.dumps, "hello.json")) as fh:
            hello = json.load(fh)
        self.assertEqual(api["event"], EVENT)
        self.assertEqual(hello["event"], {})
        headers = {k.lower(): v for k, v in api["headers"].items()}
        self.assertRegex(headers["lambda-runtime-aws-request-id"], r"^[0-9a-f-]{36}$")
        self.assertGreater(int(headers["lambda-runtime-deadline-ms"]), api["now_ms"])
        self.assertEqual(headers["lambda-runtime-invoked-function-arn"],
                         "arn:aws:lambda:us-east-1:123456789012:function:api")
        self.assertRegex(headers["lambda-runtime-trace-id"], r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};")
        env = api["env"]
        self.assertRegex(env["AWS_LAMBDA_RUNTIME_API"], r"^127\.0\.0\.1:\d+$")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_NAME"], "api")
        self.assertEqual(hello["env"]["AWS_LAMBDA_FUNCTION_NAME"], "hello")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "128")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST")
        self.assertEqual(env["AWS_REGION"], "us-east-1")
        self.assertTrue(env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"])
        self.assertEqual((env["FROM_FILE"], env["OVERRIDDEN"], env["WITH_EQUALS"]), ("1", "cli", "a=b"))
        self.assertNotIn("COLDSTART_HOST_ONLY", env)

        # The Markdown file: stale block replaced, surroundings kept.
        with open(md) as fh:
            text = fh.read()
        self.assertTrue(text.startswith("# Perf\n\nintro\n\n" + coldstart.BEGIN_MARKER + "\n"), text)
        self.assertTrue(text.endswith(coldstart.END_MARKER + "\n\nfooter\n"), text)
        self.assertNotIn("STALE RESULTS", text)
        block = text.split(coldstart.BEGIN_MARKER)[1].split(coldstart.END_MARKER)[0]
        self.assertIn(proc.stdout.strip(), block)  # the same table
        self.assertRegex(block, r"run \d{4}-\d\d-\d\d \d\d:\d\d UTC on " + re.escape(os.uname().machine)
                         + rf" \({os.cpu_count()} CPUs\), 10 runs per binary")
        self.assertIn(f"--function api={self.fake}:{self.event} --runs 10", block)
        self.assertIn("**Result: PASS**", block)
        self.assertLess(time.monotonic() - started, 30)

    def test_failures_exit_1_with_reasons(self) -> None:
        fake = self.fake
        argv = [
            "--baseline", f"hello={fake}",
            "--function", f"slow={self.big}:{self.event}",
            "--function", f"exit-early={fake}:{self.event}",
            "--function", f"hang={fake}:{self.event}",
            "--function", f"init-error={fake}:{self.event}",
            "--function", f"invoke-error={fake}:{self.event}",
            "--function", f"status500={fake}:{self.event}",
            "--function", f"exit-after-response={fake}:{self.event}",
            "--runs", "10", "--timeout", "1", "--env", "FAKE_INIT_DELAY_MS=120",
            "--max-init-ratio", "1.2", "--max-size-mb", "0.02", "--quiet",
        ]
        out, err = io.StringIO(), io.StringIO()
        started = time.monotonic()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = coldstart.main(argv)
        elapsed = time.monotonic() - started
        errors = err.getvalue()
        self.assertEqual(code, 1, errors)
        self.assertIn("coldstart: FAIL", errors)

        def problem(name: str) -> str:
            lines = [l for l in errors.splitlines() if l.startswith(f"  - {name}: ")]
            self.assertTrue(lines, f"no failure reported for {name}:\n{errors}")
            return "\n".join(lines)

        self.assertIn("exited early with code 3 during init", problem("exit-early"))
        self.assertIn("did not call /runtime/invocation/next within --timeout 1 s", problem("hang"))
        self.assertIn("init error: Runtime.InitError: config missing at init", problem("init-error"))
        self.assertIn("first invoke returned an error: Handler: handler exploded", problem("invoke-error"))
        self.assertIn("responded with statusCode 502", problem("status500"))
        self.assertIn("exited early with code 0 right after its first invoke", problem("exit-after-response"))
        self.assertIn("over --max-init-ratio 1.2", problem("slow"))
        self.assertIn("over --max-size-mb 0.02", problem("slow"))  # the padded copy of the fake
        self.assertNotIn("hello (baseline):", errors)  # the baseline is small and healthy

        rows = parse_table(out.getvalue())
        for name in ("exit-early", "hang", "init-error", "invoke-error", "status500", "exit-after-response"):
            self.assertEqual(rows[name]["median init ms"], "FAILED")
            self.assertEqual(rows[name]["statusCode"], "FAILED")
        # The slow one really is slower by its 120 ms sleep, and the ratio is its median / baseline's.
        base_med = float(rows["hello"]["median init ms"])
        slow_med = float(rows["slow"]["median init ms"])
        self.assertGreaterEqual(slow_med, 120.0)
        self.assertGreater(slow_med, base_med)
        self.assertAlmostEqual(float(rows["slow"]["init ratio to baseline"]), slow_med / base_med, delta=0.02)
        # Its streaming (chunked) response was read: the prelude's statusCode.
        self.assertEqual(rows["slow"]["statusCode"], "201")
        self.assertGreater(int(rows["slow"]["size bytes"]), 20_000)
        self.assertLess(int(rows["hello"]["size bytes"]), 20_000)
        # A failing binary is dropped after its first failure: "hang" costs one timeout, not ten.
        self.assertLess(elapsed, 20)


if __name__ == "__main__":
    unittest.main()
