"""Reading template.yaml from the deploy scripts: its functions and parameter defaults.

CloudFormation's short tags (!Ref, !Sub, !GetAtt, ...) are read as plain values: the
scripts only need literal settings (a function's binary and code folder, a parameter's
default), never an intrinsic function's result.
"""

from __future__ import annotations

import dataclasses
import pathlib
from typing import Any, List

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class _Loader(yaml.SafeLoader):
    pass


def _tagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_Loader.add_multi_constructor("!", _tagged)


def load(path: pathlib.Path = TEMPLATE) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


@dataclasses.dataclass(frozen=True)
class Function:
    logical_id: str
    binary: str
    code_uri: pathlib.Path


def functions(template: dict, base: pathlib.Path = ROOT) -> List[Function]:
    """Every function built with cargo-lambda, as `sam build` sees it: its binary
    (`Metadata.BuildProperties.Binary`) and its code folder (`CodeUri`, the working
    directory of the build)."""
    found = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        metadata = resource.get("Metadata") or {}
        if metadata.get("BuildMethod") != "rust-cargolambda":
            continue
        binary = (metadata.get("BuildProperties") or {}).get("Binary")
        if not binary:
            raise ValueError(f"{logical_id}: Metadata.BuildProperties.Binary is missing")
        code_uri = (resource.get("Properties") or {}).get("CodeUri", "./")
        found.append(Function(logical_id, binary, (base / code_uri).resolve()))
    return found


def parameter_default(template: dict, name: str) -> str:
    return str(template["Parameters"][name]["Default"])
