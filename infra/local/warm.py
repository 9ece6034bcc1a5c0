"""Starts every HTTP function of the local API once, one after the other, then the
workers that events reach.

`cargo lambda watch` starts a function's process at its first request. Requests that
arrive together at a function that is still starting can be refused with a 500 by the
local emulator (API Gateway and Lambda have no such state), so the browser test and
`make run` start each function first: one unauthenticated request per function, to a
route of its own in the router of Cargo.toml, until it answers below 500.

Usage: warm.py PORT [SECONDS]
"""

import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def first_routes(cargo_toml: Path) -> dict[str, tuple[str, str]]:
    """Each function's first GET route in the router (or its first route, when it has
    no GET): {function: (method, path)}."""
    router = tomllib.loads(cargo_toml.read_text())["workspace"]["metadata"]["lambda"]["watch"]["router"]
    routes: dict[str, tuple[str, str]] = {}
    for path, targets in router.items():
        for target in targets:
            # Path parameters get a value that names nothing; without credentials or a
            # body the request is refused before anything is read or written.
            concrete = "/".join("x" if part.startswith("{") else part for part in path.split("/"))
            function, method = target["function"], target["method"]
            if function not in routes or (method == "GET" and routes[function][0] != "GET"):
                routes[function] = (method, concrete)
    return routes


# The workers events reach, each with a sample event it drops without calling AWS: the
# first event a worker gets would otherwise wait for (or be refused while) its start.
WORKERS = {"report-worker": "events/report-worker/not-a-report.json"}


def answer(port: int, method: str, path: str, body: bytes = b"{}") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if method in ("POST", "PUT", "PATCH"):
        request.data = body
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0


def main() -> int:
    port = int(sys.argv[1])
    deadline = time.monotonic() + (float(sys.argv[2]) if len(sys.argv) > 2 else 900)
    for function, (method, path) in sorted(first_routes(ROOT / "Cargo.toml").items()):
        while (status := answer(port, method, path)) == 0 or status >= 500:
            if time.monotonic() > deadline:
                print(f"warm: {function} ({method} {path}) still answers {status}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print(f"warm: {function} answers {method} {path} with {status}")
    for worker, event in sorted(WORKERS.items()):
        path = f"/2015-03-31/functions/{worker}/invocations"
        body = (ROOT / event).read_bytes()
        while (status := answer(port, "POST", path, body)) == 0 or status >= 500:
            if time.monotonic() > deadline:
                print(f"warm: {worker} still answers {status}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print(f"warm: {worker} answers an event with {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
