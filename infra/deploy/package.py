#!/usr/bin/env python3
"""`make package`: every function's deployment zip, built with `sam build`'s command.

SAM's `rust-cargolambda` build method (aws-lambda-builders' rust_cargo workflow) runs,
in the function's CodeUri, `cargo lambda build --release [--arm64] --bin <Binary>`, and
copies `target/lambda/<Binary>/bootstrap` into the artifact SAM zips. This runs the same
command for each function of template.yaml (where SAM runs it, without a
CARGO_TARGET_DIR of the caller's), adding only `--output-format zip`, so the zip is
cargo-lambda's own: `target/lambda/<Binary>/bootstrap.zip`, holding `bootstrap` only.

The architecture is the template's `Architecture` default, or ARCH (arm64 | x86_64 |
host). Where the Rust target of arm64 is not installed (`rustup target add
aarch64-unknown-linux-gnu` adds it), the functions are built for this machine instead,
and the run says so: such zips are not what an arm64 stack runs.

Options: --also BIN builds a binary that is not a function the same way (the cold-start
baseline); --unpacked DIR extracts each zip's bootstrap to DIR/<binary>/bootstrap (the
cold-start bench runs exactly what is deployed). Exit status 1 when a build fails or a
zip is not a single executable `bootstrap` for the architecture built.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import platform
import stat
import subprocess
import sys
import zipfile
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import template  # noqa: E402

TRIPLES = {"arm64": "aarch64-unknown-linux-gnu", "x86_64": "x86_64-unknown-linux-gnu"}
# ELF e_machine of each architecture: a zip's bootstrap must be built for the one named.
ELF_MACHINES = {"arm64": 0xB7, "x86_64": 0x3E}


def host_architecture() -> str:
    machine = platform.machine().lower()
    return "arm64" if machine in ("aarch64", "arm64") else "x86_64"


def target_installed(triple: str) -> bool:
    sysroot = subprocess.run(
        ["rustc", "--print", "sysroot"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return (pathlib.Path(sysroot) / "lib" / "rustlib" / triple / "lib").is_dir()


def build_command(binary: str, architecture: str) -> List[str]:
    """`sam build`'s command for one function, plus the zip output."""
    cmd = ["cargo", "lambda", "build", "--release"]
    if architecture == "arm64":
        cmd.append("--arm64")
    cmd += ["--bin", binary, "--output-format", "zip"]
    return cmd


def target_directory(cwd: pathlib.Path) -> pathlib.Path:
    """Where SAM looks for the built binary: `<CodeUri>/target`, whatever cargo is told
    elsewhere (main() drops CARGO_TARGET_DIR so cargo builds there too)."""
    return cwd / "target"


@dataclasses.dataclass
class Package:
    name: str
    binary: str
    architecture: str
    zip_path: pathlib.Path
    zip_bytes: int
    unzipped_bytes: int


def check_zip(path: pathlib.Path, architecture: str) -> int:
    """The unzipped size; raises ValueError unless the zip is one executable bootstrap
    for `architecture`."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if names != ["bootstrap"]:
            raise ValueError(f"{path}: holds {names}, not just bootstrap")
        info = z.getinfo("bootstrap")
        mode = info.external_attr >> 16
        if not mode & stat.S_IXUSR:
            raise ValueError(f"{path}: bootstrap is not executable (mode {oct(mode)})")
        with z.open("bootstrap") as f:
            header = f.read(20)
        if header[:4] != b"\x7fELF":
            raise ValueError(f"{path}: bootstrap is not an ELF executable")
        machine = int.from_bytes(header[18:20], "little")
        if machine != ELF_MACHINES[architecture]:
            raise ValueError(f"{path}: bootstrap is for ELF machine {machine:#x}, not {architecture}")
        return info.file_size


def unpack(package: Package, directory: pathlib.Path) -> None:
    out = directory / package.binary
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(package.zip_path) as z:
        z.extract("bootstrap", out)
    (out / "bootstrap").chmod(0o755)


def choose_architecture(requested: str) -> tuple[str, Optional[str]]:
    """(architecture to build, a warning when it is not the one requested)."""
    host = host_architecture()
    wanted = host if requested == "host" else requested
    if wanted == host or target_installed(TRIPLES[wanted]):
        return wanted, None
    return host, (
        f"The Rust target {TRIPLES[wanted]} is not installed: building for this machine "
        f"({host}) instead. These zips are NOT what an {wanted} stack runs. Add the target "
        f"with `rustup target add {TRIPLES[wanted]}` (cargo-lambda links with zig from the "
        f"venv) and run `make package` again."
    )


def banner(text: str) -> None:
    line = "!" * 78
    print(f"\n{line}\n{text}\n{line}\n", file=sys.stderr, flush=True)


def human(n: int) -> str:
    return f"{n / 1_000_000:.2f} MB"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", default=os.environ.get("ARCH") or None,
                        choices=["arm64", "x86_64", "host"],
                        help="default: the template's Architecture parameter")
    parser.add_argument("--also", action="append", default=[], metavar="BIN",
                        help="another binary of the workspace to build the same way")
    parser.add_argument("--unpacked", type=pathlib.Path, metavar="DIR",
                        help="extract each bootstrap to DIR/<binary>/bootstrap")
    args = parser.parse_args(argv)

    # cargo-lambda (and zig) from the project's venv, as `make deploy` gives `sam build`.
    venv_bin = template.ROOT / os.environ.get("VENV", ".venv") / "bin"
    os.environ["PATH"] = f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    # SAM copies the binary from <CodeUri>/target/lambda/<Binary>/: a target directory
    # elsewhere would pass here and fail in `sam build` (deploy.py drops it too).
    os.environ.pop("CARGO_TARGET_DIR", None)
    doc = template.load()
    requested = args.arch or template.parameter_default(doc, "Architecture")
    architecture, warning = choose_architecture(requested)
    if warning:
        banner(warning)

    builds = [(f.logical_id, f.binary, f.code_uri) for f in template.functions(doc)]
    builds += [(binary, binary, template.ROOT) for binary in args.also]
    packages: List[Package] = []
    for name, binary, cwd in builds:
        cmd = build_command(binary, architecture)
        print(f"==> {name}: {' '.join(cmd)}  (in {cwd})", flush=True)
        subprocess.run(cmd, cwd=cwd, check=True)
        zip_path = target_directory(cwd) / "lambda" / binary / "bootstrap.zip"
        unzipped = check_zip(zip_path, architecture)
        packages.append(Package(name, binary, architecture, zip_path, zip_path.stat().st_size, unzipped))
        if args.unpacked:
            unpack(packages[-1], args.unpacked)

    print()
    print("| Function | Binary | Architecture | Zip | Unzipped |")
    print("|---|---|---|---:|---:|")
    for p in packages:
        print(f"| {p.name} | {p.binary} | {p.architecture} | {human(p.zip_bytes)} | {human(p.unzipped_bytes)} |")
    if packages:
        print(f"\nZips: {packages[0].zip_path.parent.parent}/<binary>/bootstrap.zip")
    if warning:
        banner(warning)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as e:
        print(f"package: {' '.join(e.cmd)} failed (exit {e.returncode})", file=sys.stderr)
        sys.exit(1)
    except ValueError as e:
        print(f"package: {e}", file=sys.stderr)
        sys.exit(1)
