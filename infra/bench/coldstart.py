#!/usr/bin/env python3
"""Cold-start benchmark for the Partner Console Lambda binaries.

Runs every binary against a local emulation of the AWS Lambda Runtime API
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) and measures

* init         -- process spawn -> its first ``GET /runtime/invocation/next``
* first invoke -- event handed out -> ``POST /runtime/invocation/{id}/response``

Every run is a fresh process that is killed after its first invoke.  Runs are
interleaved round-robin over the binaries (the starting binary rotates each
round) so that machine drift affects all of them equally.  Init times are
compared with a hello-world baseline binary.

Usage (from the workspace root, after ``infra/deploy/package.py --arch host --also
hello --unpacked target/lambda``, which ``make bench`` runs)::

    python infra/bench/coldstart.py \\
        --baseline hello=target/lambda/hello/bootstrap \\
        --function auth=target/lambda/auth/bootstrap:events/auth.json \\
        --runs 15 --markdown-out docs/performance.md

Only the Python standard library is used.  Exit status: 0 when every check
passes, 1 when a check fails (the reasons are printed to stderr), 2 on bad
command-line arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import http.server
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import Callable, Dict, List, Optional, Sequence, Tuple

API_PREFIX = "/2018-06-01/runtime"
BEGIN_MARKER = "<!-- coldstart:begin -->"
END_MARKER = "<!-- coldstart:end -->"
BYTES_PER_MB = 1_000_000  # decimal megabytes: the stricter reading of a size budget
MIN_RUNS = 10
# After the first response we wait (at most this long) for the runtime to poll
# /next again, to catch processes that exit instead of waiting for more events.
POST_RESPONSE_GRACE_S = 1.0
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
LOG_TAIL_LINES = 15


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Binary:
    name: str
    path: str
    event: bytes
    is_baseline: bool = False
    event_path: Optional[str] = None

    @property
    def size_bytes(self) -> int:
        return os.path.getsize(self.path)


@dataclasses.dataclass
class Sample:
    init_ns: int
    invoke_ns: int
    status_code: Optional[int]


@dataclasses.dataclass
class BinaryResult:
    binary: Binary
    samples: List[Sample] = dataclasses.field(default_factory=list)
    failure: Optional[str] = None  # first failure; the binary is not run again after it


@dataclasses.dataclass
class Row:
    name: str
    is_baseline: bool
    runs: int
    median_init_ms: Optional[float]
    p90_init_ms: Optional[float]
    init_ratio: Optional[float]
    median_invoke_ms: Optional[float]
    size_bytes: int
    status_code: Optional[int]
    failure: Optional[str]

    @property
    def size_mb(self) -> float:
        return self.size_bytes / BYTES_PER_MB


class RunFailure(Exception):
    """A single run of a binary failed (timeout, early exit, error, 5xx)."""


# --------------------------------------------------------------------------
# Runtime API emulator
# --------------------------------------------------------------------------


class InvocationState:
    """State of one process lifetime: one event, handed out once."""

    def __init__(self, function_name: str, event: bytes, deadline_s: float):
        self.function_name = function_name
        self.event = event
        self.deadline_s = deadline_s
        self.request_id = str(uuid.uuid4())
        self.cond = threading.Condition()
        self.finished = threading.Event()
        self.next_calls = 0
        self.first_next_ns: Optional[int] = None
        self.handed_out_ns: Optional[int] = None
        self.response_ns: Optional[int] = None
        self.response_body: Optional[bytes] = None
        self.invoke_error: Optional[str] = None
        self.init_error: Optional[str] = None
        self.protocol_errors: List[str] = []

    def update(self, fn: Callable[["InvocationState"], None]) -> None:
        with self.cond:
            fn(self)
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)


class RuntimeApiServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RuntimeApiHandler)
        self.current: Optional[InvocationState] = None
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def set_current(self, state: Optional[InvocationState]) -> None:
        with self._lock:
            self.current = state

    def get_current(self) -> Optional[InvocationState]:
        with self._lock:
            return self.current


def _error_summary(body: bytes, error_type: Optional[str]) -> str:
    text = body.decode("utf-8", "replace").strip()
    try:
        doc = json.loads(text) if text else {}
        if isinstance(doc, dict) and ("errorType" in doc or "errorMessage" in doc):
            text = f"{doc.get('errorType', '')}: {doc.get('errorMessage', '')}".strip(": ")
    except ValueError:
        pass
    if error_type and error_type not in text:
        text = f"[{error_type}] {text}"
    return text[:500] or "(empty error body)"


class RuntimeApiHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real Runtime API
    server: RuntimeApiServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - silence access log
        pass

    # -- helpers ---------------------------------------------------------

    def _read_body(self) -> Tuple[bytes, Dict[str, str]]:
        """Read a Content-Length or chunked body; returns (body, trailers)."""
        trailers: Dict[str, str] = {}
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size_line = self.rfile.readline(65537)
                if not size_line:
                    break
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailer section, ends with an empty line
                        line = self.rfile.readline(65537)
                        if not line or line in (b"\r\n", b"\n"):
                            break
                        key, _, value = line.decode("latin-1").partition(":")
                        trailers[key.strip().lower()] = value.strip()
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)  # CRLF after the chunk
            return b"".join(parts), trailers
        length = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(length) if length else b""), trailers

    def _reply(self, code: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # -- routes ------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        now = time.perf_counter_ns()
        if self.path != f"{API_PREFIX}/invocation/next":
            self._reply(404, {"errorMessage": f"unknown path {self.path}"})
            return
        state = self.server.get_current()
        if state is None:
            self._reply(503, {"errorMessage": "no invocation in progress"})
            return

        with state.cond:
            state.next_calls += 1
            first = state.next_calls == 1
            if first:
                state.first_next_ns = now
            state.cond.notify_all()

        if not first:
            # Like Lambda, later polls block until the environment is torn down.
            state.finished.wait(timeout=3600)
            self.close_connection = True
            return

        deadline_ms = int(time.time() * 1000 + state.deadline_s * 1000)
        trace_id = (
            f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};"
            f"Parent={uuid.uuid4().hex[:16]};Sampled=0"
        )
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{state.function_name}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(state.event)))
        self.send_header("Lambda-Runtime-Aws-Request-Id", state.request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline_ms))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", arn)
        self.send_header("Lambda-Runtime-Trace-Id", trace_id)
        # Stamp before anything reaches the socket, so a fast function can
        # never post its response "before" the event was handed out.
        state.update(lambda s: setattr(s, "handed_out_ns", time.perf_counter_ns()))
        self.end_headers()
        self.wfile.write(state.event)

    def do_POST(self) -> None:  # noqa: N802
        body, trailers = self._read_body()
        now = time.perf_counter_ns()
        state = self.server.get_current()
        path = self.path
        if state is None:
            self._reply(503, {"errorMessage": "no invocation in progress"})
            return

        if path == f"{API_PREFIX}/init/error":
            summary = _error_summary(body, self.headers.get("Lambda-Runtime-Function-Error-Type"))
            state.update(lambda s: setattr(s, "init_error", summary))
            self._reply(202, {"status": "OK"})
            return

        prefix = f"{API_PREFIX}/invocation/"
        if path.startswith(prefix) and path.count("/") == API_PREFIX.count("/") + 3:
            request_id, _, action = path[len(prefix):].partition("/")
            if request_id != state.request_id:
                msg = f"POST for unknown request id {request_id!r}"
                state.update(lambda s: s.protocol_errors.append(msg))
                self._reply(400, {"errorMessage": msg, "errorType": "InvalidRequestID"})
                return
            if action == "response":
                error_type = trailers.get("lambda-runtime-function-error-type")

                def record(s: InvocationState) -> None:
                    if s.response_ns is not None or s.invoke_error is not None:
                        s.protocol_errors.append("second response for the same request id")
                        return
                    if error_type:  # streaming response that failed mid-way
                        s.invoke_error = _error_summary(
                            trailers.get("lambda-runtime-function-error-body", "").encode(),
                            error_type,
                        )
                    s.response_ns = now
                    s.response_body = body

                state.update(record)
                self._reply(202, {"status": "OK"})
                return
            if action == "error":
                summary = _error_summary(body, self.headers.get("Lambda-Runtime-Function-Error-Type"))

                def record_error(s: InvocationState) -> None:
                    s.invoke_error = summary
                    s.response_ns = now

                state.update(record_error)
                self._reply(202, {"status": "OK"})
                return
        self._reply(404, {"errorMessage": f"unknown path {path}"})


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


def base_environment(function_name: str, runtime_api: str, binary_path: str) -> Dict[str, str]:
    """A clean, Lambda-like environment (the host's own variables, notably any
    real AWS credentials or profile, are deliberately not passed on)."""
    task_root = os.path.dirname(os.path.abspath(binary_path))
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": task_root,
        "_HANDLER": "bootstrap",
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2000/01/01/[$LATEST]00000000000000000000000000000000",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "coldstart-dummy-session-token",
    }


def status_code_of(body: Optional[bytes]) -> Optional[int]:
    """statusCode of an API Gateway style response (buffered or streaming)."""
    if not body:
        return None
    prelude_end = body.find(b"\x00" * 8)  # streaming: JSON prelude, 8 NULs, body
    candidates = [body] if prelude_end < 0 else [body[:prelude_end], body]
    for candidate in candidates:
        try:
            doc = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(doc, dict) and "statusCode" in doc:
            try:
                return int(doc["statusCode"])
            except (TypeError, ValueError):
                return None
        return None
    return None


def _log_tail(log_file) -> str:
    try:
        log_file.flush()
        log_file.seek(0)
        lines = log_file.read().decode("utf-8", "replace").splitlines()
    except (OSError, ValueError):
        return ""
    if not lines:
        return ""
    tail = lines[-LOG_TAIL_LINES:]
    return "\n    process output (last lines):\n" + "\n".join("      | " + l for l in tail)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: take any children too
        except (ProcessLookupError, PermissionError):
            proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - should never happen after SIGKILL
        pass


def measure_once(server: RuntimeApiServer, binary: Binary, env: Dict[str, str], timeout: float) -> Sample:
    """Spawn the binary once, hand it one event, return its timings.

    Raises RunFailure with a readable reason if anything goes wrong."""
    state = InvocationState(binary.name, binary.event, deadline_s=timeout)
    server.set_current(state)
    log_file = tempfile.TemporaryFile()
    proc: Optional[subprocess.Popen] = None
    poll_s = 0.002
    try:
        spawn_ns = time.perf_counter_ns()
        try:
            proc = subprocess.Popen(
                [os.path.abspath(binary.path)],
                env=env,
                cwd=env.get("LAMBDA_TASK_ROOT"),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise RunFailure(f"could not start {binary.path}: {exc}") from exc

        def fail(reason: str) -> RunFailure:
            return RunFailure(reason + _log_tail(log_file))

        # Phase 1: init, up to the first GET /next.
        give_up = time.monotonic() + timeout
        while True:
            if state.wait_for(lambda: state.first_next_ns is not None or state.init_error is not None, poll_s):
                break
            if proc.poll() is not None:
                # Race: it may have called /next (or init/error) just before exiting.
                if state.first_next_ns is not None or state.init_error is not None:
                    break
                raise fail(f"process exited early with code {proc.returncode} during init "
                           "(before calling /runtime/invocation/next)")
            if time.monotonic() > give_up:
                raise fail(f"did not call /runtime/invocation/next within --timeout {timeout:g} s")
            poll_s = min(poll_s * 2, 0.02)
        if state.init_error is not None:
            raise fail(f"reported an init error: {state.init_error}")

        # Phase 2: the first invoke, up to its response (or error).
        poll_s = 0.002
        give_up = time.monotonic() + timeout
        while True:
            if state.wait_for(lambda: state.response_ns is not None, poll_s):
                break
            if proc.poll() is not None:
                if state.response_ns is not None:
                    break
                raise fail(f"process exited early with code {proc.returncode} during its first "
                           "invoke (no response posted)")
            if time.monotonic() > give_up:
                raise fail(f"no response to the first invoke within --timeout {timeout:g} s")
            poll_s = min(poll_s * 2, 0.02)
        if state.invoke_error is not None:
            raise fail(f"first invoke returned an error: {state.invoke_error}")
        if state.protocol_errors:
            raise fail("runtime API misuse: " + "; ".join(state.protocol_errors))
        status = status_code_of(state.response_body)
        if status is not None and status >= 500:
            snippet = (state.response_body or b"")[:300].decode("utf-8", "replace")
            raise fail(f"first invoke responded with statusCode {status}: {snippet}")

        # Phase 3: a healthy runtime goes back to polling /next; one that exits
        # instead would be restarted by Lambda on every invoke.
        poll_s = 0.002
        give_up = time.monotonic() + min(POST_RESPONSE_GRACE_S, timeout)
        while time.monotonic() < give_up:
            if state.wait_for(lambda: state.next_calls >= 2, poll_s):
                break
            if proc.poll() is not None:
                raise fail(f"process exited early with code {proc.returncode} right after its first "
                           "invoke instead of polling for the next event")
            poll_s = min(poll_s * 2, 0.02)

        assert state.first_next_ns is not None and state.handed_out_ns is not None
        assert state.response_ns is not None
        return Sample(
            init_ns=state.first_next_ns - spawn_ns,
            invoke_ns=state.response_ns - state.handed_out_ns,
            status_code=status,
        )
    finally:
        if proc is not None:
            _kill(proc)
        state.finished.set()
        server.set_current(None)
        log_file.close()


def run_benchmark(
    binaries: Sequence[Binary],
    runs: int,
    extra_env: Dict[str, str],
    timeout: float,
    log: Callable[[str], None] = lambda msg: None,
) -> List[BinaryResult]:
    results = [BinaryResult(b) for b in binaries]
    server = RuntimeApiServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        for round_no in range(runs):
            shift = round_no % len(results)  # rotate the starting binary each round
            order = results[shift:] + results[:shift]
            parts = []
            for result in order:
                if result.failure is not None:
                    continue
                b = result.binary
                env = base_environment(b.name, server.address, b.path)
                env.update(extra_env)
                try:
                    sample = measure_once(server, b, env, timeout)
                except RunFailure as exc:
                    result.failure = f"run {round_no + 1}: {exc}"
                    parts.append(f"{b.name} FAILED")
                    continue
                result.samples.append(sample)
                parts.append(f"{b.name} {sample.init_ns / 1e6:.1f}/{sample.invoke_ns / 1e6:.1f}")
            log(f"round {round_no + 1}/{runs} (init/first invoke ms): " + ", ".join(parts))
    finally:
        server.shutdown()
        server.server_close()
    return results


# --------------------------------------------------------------------------
# Statistics, checks and reporting
# --------------------------------------------------------------------------


def p90(values: Sequence[float]) -> float:
    """90th percentile, linear interpolation between closest ranks (inclusive)."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def summarize(results: Sequence[BinaryResult]) -> List[Row]:
    baseline = next(r for r in results if r.binary.is_baseline)
    base_median = (
        statistics.median(s.init_ns for s in baseline.samples) / 1e6
        if baseline.samples and baseline.failure is None
        else None
    )
    rows = []
    for r in results:
        ok = bool(r.samples) and r.failure is None
        inits = [s.init_ns / 1e6 for s in r.samples]
        invokes = [s.invoke_ns / 1e6 for s in r.samples]
        median_init = statistics.median(inits) if ok else None
        ratio = None
        if median_init is not None and base_median:
            ratio = median_init / base_median
        rows.append(
            Row(
                name=r.binary.name,
                is_baseline=r.binary.is_baseline,
                runs=len(r.samples),
                median_init_ms=median_init,
                p90_init_ms=p90(inits) if ok else None,
                init_ratio=ratio,
                median_invoke_ms=statistics.median(invokes) if ok else None,
                size_bytes=r.binary.size_bytes,
                status_code=r.samples[-1].status_code if r.samples else None,
                failure=r.failure,
            )
        )
    return rows


def _size_limits(raw: Sequence[str]) -> Dict[str, float]:
    """``NAME=MB`` pairs, as ``--size-limit`` takes them."""
    limits = {}
    for item in raw:
        name, sep, mb = item.partition("=")
        try:
            value = float(mb)
        except ValueError:
            value = -1.0
        if not sep or not name or value <= 0:
            raise SystemExit(f"--size-limit {item!r}: expected NAME=MB with MB > 0")
        limits[name] = value
    return limits


def evaluate(
    rows: Sequence[Row],
    max_init_ratio: float,
    max_size_mb: float,
    size_limits: Optional[Dict[str, float]] = None,
) -> List[str]:
    """Return the list of failed checks (empty when everything passes). ``size_limits``
    gives some binaries a size limit of their own instead of ``max_size_mb``."""
    problems = []
    for row in rows:
        label = f"{row.name} (baseline)" if row.is_baseline else row.name
        if row.failure is not None:
            problems.append(f"{label}: {row.failure}")
        limit = (size_limits or {}).get(row.name, max_size_mb)
        if row.size_bytes > limit * BYTES_PER_MB:
            flag = "--size-limit" if row.name in (size_limits or {}) else "--max-size-mb"
            problems.append(
                f"{label}: binary is {row.size_mb:.2f} MB ({row.size_bytes} bytes), "
                f"over {flag} {limit:g}"
            )
        if not row.is_baseline and row.init_ratio is not None and row.init_ratio > max_init_ratio:
            problems.append(
                f"{label}: median init {row.median_init_ms:.2f} ms is {row.init_ratio:.2f}x the "
                f"baseline median, over --max-init-ratio {max_init_ratio:g}"
            )
    return problems


def _fmt(value: Optional[float], digits: int = 2) -> str:
    return "FAILED" if value is None else f"{value:.{digits}f}"


def render_table(rows: Sequence[Row]) -> str:
    header = [
        "function", "median init ms", "p90 init ms", "init ratio to baseline",
        "median first invoke ms", "size MB", "size bytes", "statusCode",
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    for row in rows:
        name = f"{row.name} (baseline)" if row.is_baseline else row.name
        if row.is_baseline and row.median_init_ms is not None:
            ratio = "1.00"
        elif row.init_ratio is not None:
            ratio = f"{row.init_ratio:.2f}"
        else:
            ratio = "FAILED" if row.median_init_ms is None else "n/a"
        status = "FAILED" if row.failure else ("-" if row.status_code is None else str(row.status_code))
        lines.append(
            "| " + " | ".join([
                name, _fmt(row.median_init_ms), _fmt(row.p90_init_ms), ratio,
                _fmt(row.median_invoke_ms), f"{row.size_mb:.2f}", str(row.size_bytes), status,
            ]) + " |"
        )
    return "\n".join(lines)


def render_markdown(table: str, problems: Sequence[str], command: str, runs: int,
                    now: Optional[_dt.datetime] = None) -> str:
    now = now or _dt.datetime.now(_dt.timezone.utc)
    lines = [
        f"Cold-start benchmark run {now:%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({os.cpu_count()} CPUs), {runs} runs per binary, round-robin; "
        "init = spawn to first `GET /runtime/invocation/next`, first invoke = event handed out "
        "to response received; 1 MB = 1,000,000 bytes.",
        "",
        "```sh",
        command,
        "```",
        "",
        table,
        "",
    ]
    if problems:
        lines.append("**Result: FAIL**")
        lines.append("")
        lines.extend(f"- {p.splitlines()[0]}" for p in problems)
    else:
        lines.append("**Result: PASS**")
    return "\n".join(lines)


def markers(section: str) -> Tuple[str, str]:
    """The begin and end markers of a named section of a Markdown document."""
    return f"<!-- {section}:begin -->", f"<!-- {section}:end -->"


def splice_markdown(existing: str, block: str, begin_marker: str = BEGIN_MARKER,
                    end_marker: str = END_MARKER) -> str:
    """Put block between the markers (the coldstart ones by default), replacing what
    was there; append the markers at the end of the document if they are absent."""
    begin = existing.find(begin_marker)
    end = existing.find(end_marker, begin + len(begin_marker)) if begin >= 0 else -1
    if begin >= 0 and end >= 0:
        return existing[: begin + len(begin_marker)] + "\n" + block.strip("\n") + "\n" + existing[end:]
    if begin >= 0 or end_marker in existing:
        raise ValueError(f"unbalanced markers: need {begin_marker} followed by {end_marker}")
    prefix = existing
    if prefix and not prefix.endswith("\n"):
        prefix += "\n"
    if prefix:
        prefix += "\n"
    return f"{prefix}{begin_marker}\n{block.strip(chr(10))}\n{end_marker}\n"


def write_markdown(path: str, block: str, begin_marker: str = BEGIN_MARKER,
                   end_marker: str = END_MARKER) -> None:
    try:
        with open(path, encoding="utf-8") as fh:
            existing = fh.read()
    except FileNotFoundError:
        existing = ""
    updated = splice_markdown(existing, block, begin_marker, end_marker)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".coldstart-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(updated)
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_env_file(path: str) -> Dict[str, str]:
    """KEY=VALUE lines; blank lines, '#' comments and an 'export ' prefix are allowed."""
    env: Dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                line = line[len("export "):].lstrip()
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ValueError(f"{path}:{lineno}: expected KEY=VALUE, got {raw.rstrip()!r}")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            env[key] = value
    return env


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _runs(text: str) -> int:
    value = int(text)
    if value < MIN_RUNS:
        raise argparse.ArgumentTypeError(f"must be at least {MIN_RUNS}, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="coldstart.py",
        description="Cold-start benchmark of Lambda binaries against a local Runtime API emulator.",
    )
    p.add_argument("--baseline", required=True, metavar="NAME=PATH",
                   help="the hello-world baseline binary (receives the event {})")
    p.add_argument("--function", action="append", default=[], metavar="NAME=PATH:EVENT_JSON_PATH",
                   help="a function binary and its API Gateway HTTP API v2 event file (repeatable)")
    p.add_argument("--runs", type=_runs, default=15,
                   help=f"cold starts per binary, interleaved round-robin (default 15, minimum {MIN_RUNS})")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment variable for every binary (repeatable; overrides --env-file)")
    p.add_argument("--env-file", action="append", default=[], metavar="FILE",
                   help="file of KEY=VALUE lines added to every binary's environment (repeatable)")
    p.add_argument("--timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                   help="limit for spawn -> first /next, and for the first invoke (default 10)")
    p.add_argument("--max-init-ratio", type=_positive_float, default=3.0,
                   help="fail if a function's median init exceeds this x the baseline median (default 3.0)")
    p.add_argument("--max-size-mb", type=_positive_float, default=10.0,
                   help="fail if a binary is larger than this many MB, 1 MB = 10^6 bytes (default 10)")
    p.add_argument("--size-limit", action="append", default=[], metavar="NAME=MB",
                   help="a size limit of its own for one binary (e.g. a worker that embeds fonts)")
    p.add_argument("--markdown-out", metavar="FILE",
                   help=f"also write the results into FILE between {BEGIN_MARKER} and {END_MARKER}")
    p.add_argument("--quiet", action="store_true", help="no per-round progress on stderr")
    return p


def _split_name(spec: str, what: str) -> Tuple[str, str]:
    name, sep, rest = spec.partition("=")
    if not sep or not name.strip() or not rest:
        raise ValueError(f"{what} {spec!r}: expected NAME=...")
    return name.strip(), rest


def _check_executable(path: str, what: str) -> None:
    if not os.path.isfile(path):
        raise ValueError(f"{what}: binary {path!r} does not exist (did `make package` unpack it? make bench does)")
    if not os.access(path, os.X_OK):
        raise ValueError(f"{what}: {path!r} is not executable")


def parse_binaries(args: argparse.Namespace) -> List[Binary]:
    name, path = _split_name(args.baseline, "--baseline")
    _check_executable(path, f"--baseline {name}")
    binaries = [Binary(name=name, path=path, event=b"{}", is_baseline=True)]
    for spec in args.function:
        name, rest = _split_name(spec, "--function")
        path, sep, event_path = rest.rpartition(":")
        if not sep or not path or not event_path:
            raise ValueError(f"--function {spec!r}: expected NAME=PATH:EVENT_JSON_PATH")
        _check_executable(path, f"--function {name}")
        try:
            with open(event_path, "rb") as fh:
                event = fh.read()
            json.loads(event)
        except OSError as exc:
            raise ValueError(f"--function {name}: cannot read event {event_path!r}: {exc}") from exc
        except ValueError as exc:
            raise ValueError(f"--function {name}: event {event_path!r} is not valid JSON: {exc}") from exc
        binaries.append(Binary(name=name, path=path, event=event, event_path=event_path))
    names = [b.name for b in binaries]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate names: {', '.join(duplicates)}")
    return binaries


def collect_env(args: argparse.Namespace) -> Dict[str, str]:
    env: Dict[str, str] = {}
    for path in args.env_file:
        try:
            env.update(parse_env_file(path))
        except OSError as exc:
            raise ValueError(f"--env-file {path!r}: {exc}") from exc
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--env {item!r}: expected KEY=VALUE")
        env[key] = value
    if "AWS_LAMBDA_RUNTIME_API" in env:
        raise ValueError("AWS_LAMBDA_RUNTIME_API is set by the harness and cannot be overridden")
    return env


def main(argv: Optional[Sequence[str]] = None, command: Optional[str] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if command is None:
        command = shlex.join(sys.orig_argv if argv is None else ["coldstart.py", *argv])
    try:
        binaries = parse_binaries(args)
        extra_env = collect_env(args)
    except ValueError as exc:
        parser.error(str(exc))

    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    results = run_benchmark(binaries, args.runs, extra_env, args.timeout, log)
    rows = summarize(results)
    problems = evaluate(rows, args.max_init_ratio, args.max_size_mb, _size_limits(args.size_limit))
    table = render_table(rows)
    print(table, flush=True)

    if args.markdown_out:
        block = render_markdown(table, problems, command, args.runs)
        try:
            write_markdown(args.markdown_out, block)
        except (OSError, ValueError) as exc:
            print(f"coldstart: cannot update {args.markdown_out}: {exc}", file=sys.stderr)
            return 1

    if problems:
        print(f"\ncoldstart: FAIL, {len(problems)} check(s) failed:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(
        f"\ncoldstart: PASS ({len(binaries)} binaries x {args.runs} runs; "
        f"max init ratio {args.max_init_ratio:g}, max size {args.max_size_mb:g} MB)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
