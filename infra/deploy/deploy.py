#!/usr/bin/env python3
"""`make deploy`, `make deploy-web` and `make destroy`: the stack in one command each.

deploy   sam build (cargo-lambda from the venv) -> sam deploy -> publish the web app ->
         set the console's address: with a console domain it is known up front (the
         template computes it); without one, the first deploy reads the DistributionUrl
         output and deploys once more with it (only when it changed, so once per stack).
web      build the web app and publish it (publish_web.py) to the stack's bucket.
destroy  empty the web bucket, then `sam delete`. The table, the user pool and the
         reports and logos buckets are retained by the template (DeletionPolicy: Retain),
         so a deleted stack loses no partner's data; they are listed at the end.

Stack parameters come from the environment (make variables are in it): each template
parameter's name in upper snake case (MailFrom -> MAIL_FROM, ConsoleDomainName ->
CONSOLE_DOMAIN_NAME, ...), ARCH for Architecture. A parameter not given keeps the
deployed stack's value, else the template's default. STACK_NAME overrides samconfig's
stack name; the region is the AWS CLI's (AWS_REGION, AWS_PROFILE, ~/.aws/config).
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib
from typing import Dict, List, Mapping, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import package  # noqa: E402
import publish_web  # noqa: E402
import template  # noqa: E402

ROOT = template.ROOT
# Parameters whose environment name is not their upper snake case.
ENV_NAMES = {"Architecture": "ARCH"}
# A domain is used with its certificate only (the template's HasApiDomain and
# HasConsoleDomain): one without the other is refused before anything is built.
PAIRS = [("ConsoleDomainName", "ConsoleCertificateArn"), ("ApiDomainName", "ApiCertificateArn")]


class DeployError(Exception):
    pass


def env_name(parameter: str) -> str:
    return ENV_NAMES.get(parameter) or re.sub(r"(?<!^)(?=[A-Z])", "_", parameter).upper()


def parameter_values(
    parameters: Mapping[str, dict], environ: Mapping[str, str], deployed: Mapping[str, str]
) -> Dict[str, str]:
    """Every parameter's value: the environment's, else the deployed stack's, else the
    template's default. ConsoleUrl is left to `console_url`."""
    values: Dict[str, str] = {}
    missing = []
    for name, spec in parameters.items():
        if name == "ConsoleUrl":
            continue
        if env_name(name) in environ:
            values[name] = environ[env_name(name)]
        elif name in deployed:
            values[name] = deployed[name]
        elif "Default" in spec:
            values[name] = str(spec["Default"])
        else:
            missing.append(f"{env_name(name)} ({spec.get('Description', name).strip()})")
    if missing:
        raise DeployError("set " + "; ".join(missing) + ", e.g. MAIL_FROM=console@example.com make deploy")
    for domain, certificate in PAIRS:
        if bool(values.get(domain)) != bool(values.get(certificate)):
            raise DeployError(
                f"{env_name(domain)} and {env_name(certificate)} go together: give both or neither"
            )
    # Checked here rather than by CloudFormation after the build: `make package` also
    # takes ARCH=host, which a shell may still have exported.
    architecture = values.get("Architecture")
    if architecture is not None and architecture not in package.TRIPLES:
        raise DeployError(
            f"{env_name('Architecture')}={architecture}: a stack's functions run on "
            f"{' or '.join(package.TRIPLES)} (`host` is for make package only)"
        )
    return values


def console_url(values: Mapping[str, str], environ: Mapping[str, str], distribution_url: Optional[str]) -> str:
    """ConsoleUrl for this deploy: CONSOLE_URL if given; empty with a console domain
    (the template then uses https://<domain>); else the distribution's address, as far
    as it is known before the deploy."""
    if environ.get("CONSOLE_URL"):
        return environ["CONSOLE_URL"]
    if values.get("ConsoleDomainName"):
        return ""
    return distribution_url or ""


def second_pass_url(passed: str, values: Mapping[str, str], environ: Mapping[str, str], outputs: Mapping[str, str]) -> Optional[str]:
    """The ConsoleUrl to deploy again with, or None when the deployed one is right."""
    if environ.get("CONSOLE_URL") or values.get("ConsoleDomainName"):
        return None
    wanted = outputs.get("DistributionUrl", "")
    return wanted if wanted and wanted != passed else None


def overrides(values: Mapping[str, str]) -> List[str]:
    """`sam deploy --parameter-overrides` arguments, every value quoted (values may hold
    spaces, or be empty)."""
    def quote(v: str) -> str:
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return [f"{k}={quote(v)}" for k, v in values.items()]


def samconfig_stack_name() -> str:
    with open(ROOT / "samconfig.toml", "rb") as f:
        return tomllib.load(f)["default"]["global"]["parameters"]["stack_name"]


class Stack:
    def __init__(self, name: str, region: str):
        import boto3

        self.name = name
        self.region = region
        self.cloudformation = boto3.client("cloudformation", region_name=region)
        self.session = boto3.session.Session(region_name=region)

    def describe(self) -> Optional[dict]:
        import botocore.exceptions

        try:
            return self.cloudformation.describe_stacks(StackName=self.name)["Stacks"][0]
        except botocore.exceptions.ClientError as e:
            if "does not exist" in str(e):
                return None
            raise

    def outputs(self) -> Dict[str, str]:
        stack = self.describe() or {}
        return {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}

    def parameters(self) -> Dict[str, str]:
        stack = self.describe() or {}
        return {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}


def run(cmd: List[str], **kwargs) -> None:
    print(f"==> {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True, **kwargs)


def tool_env() -> Dict[str, str]:
    """The environment for sam: cargo-lambda (and zig) from the project's venv first."""
    venv_bin = ROOT / os.environ.get("VENV", ".venv") / "bin"
    env = dict(os.environ)
    env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    # SAM takes the binary from <CodeUri>/target/lambda/<Binary>/ only.
    env.pop("CARGO_TARGET_DIR", None)
    return env


def region() -> str:
    import boto3

    # AWS_REGION as the AWS CLI and SAM read it; boto3 itself reads AWS_DEFAULT_REGION
    # and the profile's region.
    found = os.environ.get("AWS_REGION") or boto3.session.Session().region_name
    if not found:
        raise DeployError("no AWS region: set AWS_REGION (or a region in your AWS profile)")
    return found


def require_sam() -> None:
    if not shutil.which("sam"):
        raise DeployError("the AWS SAM CLI (`sam`) is not on PATH: see the README, Deploy to AWS")


def publish(stack: Stack, outputs: Mapping[str, str]) -> None:
    run(["npm", "--prefix", "web", "run", "build"])
    publish_web.publish(
        stack.session.client("s3"),
        stack.session.client("cloudfront"),
        outputs["WebBucketName"],
        outputs["DistributionId"],
        ROOT / "web" / "dist",
        keep_days=int(os.environ.get("KEEP_DAYS", publish_web.KEEP_DAYS)),
        source_maps=bool(os.environ.get("SOURCE_MAPS")),
    )


def deploy(stack: Stack) -> None:
    require_sam()
    doc = template.load()
    values = parameter_values(doc["Parameters"], os.environ, stack.parameters())
    architecture = values["Architecture"]
    built, warning = package.choose_architecture(architecture)
    if warning:
        triple = package.TRIPLES[architecture]
        raise DeployError(
            f"the Rust target {triple} is not installed: add it with `rustup target add "
            f"{triple}` (cargo-lambda links with zig from the venv), or deploy functions "
            f"for this machine's architecture with ARCH={built}"
        )
    values["ConsoleUrl"] = console_url(values, os.environ, stack.outputs().get("DistributionUrl"))

    env = tool_env()
    common = ["--stack-name", stack.name, "--region", stack.region]
    run(["sam", "build", "--parameter-overrides", *overrides({"Architecture": architecture})], env=env)
    run(["sam", "deploy", *common, "--parameter-overrides", *overrides(values)], env=env)
    outputs = stack.outputs()
    publish(stack, outputs)

    again = second_pass_url(values["ConsoleUrl"], values, os.environ, outputs)
    if again is not None:
        # The functions cannot read the distribution's address from the stack (it
        # depends on the API, which depends on them): set it as a parameter, once.
        print(f"==> emails link to {again}: deploying the ConsoleUrl parameter", flush=True)
        values["ConsoleUrl"] = again
        run(["sam", "deploy", *common, "--parameter-overrides", *overrides(values)], env=env)
        outputs = stack.outputs()
    print(f"\nThe console: {outputs.get('ConsoleUrl') or outputs.get('DistributionUrl')}")
    if values.get("ConsoleDomainName"):
        host = outputs.get("DistributionUrl", "").removeprefix("https://")
        print(f"Point {values['ConsoleDomainName']} at {host} (a CNAME, or a Route 53 alias).")


def deploy_web(stack: Stack) -> None:
    outputs = stack.outputs()
    if "WebBucketName" not in outputs:
        raise DeployError(f"stack {stack.name} in {stack.region} is not deployed: run make deploy")
    publish(stack, outputs)


def destroy(stack: Stack) -> None:
    require_sam()
    if stack.describe() is None:
        raise DeployError(f"stack {stack.name} in {stack.region} does not exist")
    kept = {
        logical
        for logical, resource in template.load()["Resources"].items()
        if resource.get("DeletionPolicy") == "Retain"
    }
    resources = stack.cloudformation.describe_stack_resources(StackName=stack.name)["StackResources"]
    retained = [
        (r["LogicalResourceId"], r["ResourceType"], r.get("PhysicalResourceId", ""))
        for r in resources
        if r["LogicalResourceId"] in kept
    ]
    bucket = stack.outputs().get("WebBucketName")
    if bucket:
        s3 = stack.session.client("s3")
        keys = publish_web.bucket_keys(s3, bucket)
        publish_web.delete(s3, bucket, keys)
        print(f"emptied s3://{bucket} ({len(keys)} files)")
    run(["sam", "delete", "--stack-name", stack.name, "--region", stack.region, "--no-prompts"], env=tool_env())
    print("\nKept by design (DeletionPolicy: Retain), with every partner's data; delete them by hand if you mean it:")
    for logical, kind, physical in retained:
        print(f"  {logical:14} {kind:28} {physical}")


def main(argv: List[str]) -> int:
    commands = {"deploy": deploy, "web": deploy_web, "destroy": destroy}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: deploy.py {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    try:
        stack = Stack(os.environ.get("STACK_NAME") or samconfig_stack_name(), region())
        commands[argv[0]](stack)
    except DeployError as e:
        print(f"{argv[0]}: {e}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as e:
        print(f"{argv[0]}: {' '.join(e.cmd)} failed (exit {e.returncode})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
