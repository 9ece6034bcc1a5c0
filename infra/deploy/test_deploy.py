"""The decisions of `make deploy` (infra/deploy/deploy.py) and `make package`, without
AWS: which parameter values a deploy uses, when the console's address needs a second
pass, how values reach `sam deploy`, and what a zip must hold.

Run: .venv/bin/python -m unittest infra/deploy/test_deploy.py
"""

from __future__ import annotations

import os
import pathlib
import re
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import deploy  # noqa: E402
import package  # noqa: E402
import template  # noqa: E402

PARAMETERS = {
    "MailFrom": {"Type": "String", "Description": "Sender address"},
    "ConsoleUrl": {"Type": "String", "Default": ""},
    "ConsoleDomainName": {"Type": "String", "Default": ""},
    "ConsoleCertificateArn": {"Type": "String", "Default": ""},
    "ApiDomainName": {"Type": "String", "Default": ""},
    "ApiCertificateArn": {"Type": "String", "Default": ""},
    "Architecture": {"Type": "String", "Default": "arm64"},
    "RestrictedCountries": {"Type": "String", "Default": "CU IR KP SY"},
}
CLOUDFRONT = "https://d111111abcdef8.cloudfront.net"


class ParameterValues(unittest.TestCase):
    def test_environment_names_are_the_parameters_in_upper_snake_case(self):
        self.assertEqual(deploy.env_name("MailFrom"), "MAIL_FROM")
        self.assertEqual(deploy.env_name("ConsoleDomainName"), "CONSOLE_DOMAIN_NAME")
        self.assertEqual(deploy.env_name("ApiHostedZoneId"), "API_HOSTED_ZONE_ID")
        self.assertEqual(deploy.env_name("AlarmEmail"), "ALARM_EMAIL")
        self.assertEqual(deploy.env_name("LogRetentionDays"), "LOG_RETENTION_DAYS")
        self.assertEqual(deploy.env_name("Architecture"), "ARCH")

    def test_the_environment_wins_then_the_deployed_stack_then_the_default(self):
        values = deploy.parameter_values(
            PARAMETERS,
            {"MAIL_FROM": "console@example.com", "ARCH": "x86_64"},
            {"MailFrom": "old@example.com", "RestrictedCountries": "CU"},
        )
        self.assertEqual(values["MailFrom"], "console@example.com")
        self.assertEqual(values["Architecture"], "x86_64")
        self.assertEqual(values["RestrictedCountries"], "CU")
        self.assertEqual(values["ApiDomainName"], "")
        self.assertNotIn("ConsoleUrl", values)

    def test_a_redeploy_keeps_the_deployed_sender_without_asking_again(self):
        values = deploy.parameter_values(PARAMETERS, {}, {"MailFrom": "console@example.com"})
        self.assertEqual(values["MailFrom"], "console@example.com")

    def test_a_first_deploy_without_a_sender_says_which_variable_to_set(self):
        with self.assertRaisesRegex(deploy.DeployError, "MAIL_FROM"):
            deploy.parameter_values(PARAMETERS, {}, {})

    def test_a_domain_without_its_certificate_is_refused(self):
        for environ in (
            {"MAIL_FROM": "a@example.com", "CONSOLE_DOMAIN_NAME": "console.example.com"},
            {"MAIL_FROM": "a@example.com", "API_CERTIFICATE_ARN": "arn:aws:acm:eu-west-1:123456789012:certificate/x"},
        ):
            with self.assertRaisesRegex(deploy.DeployError, "go together"):
                deploy.parameter_values(PARAMETERS, environ, {})

    def test_an_architecture_lambda_does_not_run_is_refused_before_building(self):
        for arch in ("host", "aarch64", ""):
            with self.assertRaisesRegex(deploy.DeployError, "arm64 or x86_64"):
                deploy.parameter_values(PARAMETERS, {"MAIL_FROM": "a@example.com", "ARCH": arch}, {})
        for arch in ("arm64", "x86_64"):
            values = deploy.parameter_values(PARAMETERS, {"MAIL_FROM": "a@example.com", "ARCH": arch}, {})
            self.assertEqual(values["Architecture"], arch)

    def test_sam_and_the_package_build_where_sam_looks_for_the_binary(self):
        saved = os.environ.get("CARGO_TARGET_DIR")
        os.environ["CARGO_TARGET_DIR"] = "/elsewhere"
        try:
            self.assertNotIn("CARGO_TARGET_DIR", deploy.tool_env())
        finally:
            if saved is None:
                del os.environ["CARGO_TARGET_DIR"]
            else:
                os.environ["CARGO_TARGET_DIR"] = saved
        root = pathlib.Path("/repo")
        self.assertEqual(package.target_directory(root), root / "target")

    def test_every_template_parameter_without_a_default_can_be_given(self):
        parameters = template.load()["Parameters"]
        required = [n for n, spec in parameters.items() if "Default" not in spec]
        environ = {deploy.env_name(n): "x@example.com" for n in required}
        values = deploy.parameter_values(parameters, environ, {})
        self.assertEqual(set(values), set(parameters) - {"ConsoleUrl"})


class ConsoleUrl(unittest.TestCase):
    values = {"ConsoleDomainName": ""}

    def test_the_first_deploy_without_a_domain_sets_the_address_in_a_second_pass(self):
        passed = deploy.console_url(self.values, {}, None)
        self.assertEqual(passed, "")
        self.assertEqual(
            deploy.second_pass_url(passed, self.values, {}, {"DistributionUrl": CLOUDFRONT}), CLOUDFRONT
        )

    def test_a_redeploy_knows_the_address_up_front_and_needs_no_second_pass(self):
        passed = deploy.console_url(self.values, {}, CLOUDFRONT)
        self.assertEqual(passed, CLOUDFRONT)
        self.assertIsNone(deploy.second_pass_url(passed, self.values, {}, {"DistributionUrl": CLOUDFRONT}))

    def test_with_a_console_domain_the_template_computes_it(self):
        values = {"ConsoleDomainName": "console.example.com"}
        passed = deploy.console_url(values, {}, CLOUDFRONT)
        self.assertEqual(passed, "")
        self.assertIsNone(deploy.second_pass_url(passed, values, {}, {"DistributionUrl": CLOUDFRONT}))

    def test_an_address_given_is_used_as_it_is(self):
        environ = {"CONSOLE_URL": "https://partners.example.com"}
        passed = deploy.console_url(self.values, environ, CLOUDFRONT)
        self.assertEqual(passed, "https://partners.example.com")
        self.assertIsNone(deploy.second_pass_url(passed, self.values, environ, {"DistributionUrl": CLOUDFRONT}))


class Overrides(unittest.TestCase):
    # What the SAM CLI reads from a Key=Value override (samcli/cli/types.py): a value
    # in double quotes may be empty and hold spaces; \" and \\ are escapes.
    PATTERN = re.compile(r'^([A-Za-z0-9]+)=("(?:\\.|[^"\\]+)*")$')

    def test_every_value_is_quoted_so_spaces_and_empty_values_survive(self):
        args = deploy.overrides({"RestrictedCountries": "CU IR", "ConsoleUrl": "", "MailFrom": 'a"b@example.com'})
        self.assertEqual(args, ['RestrictedCountries="CU IR"', 'ConsoleUrl=""', 'MailFrom="a\\"b@example.com"'])
        for arg in args:
            self.assertRegex(arg, self.PATTERN)


class Packages(unittest.TestCase):
    def test_the_build_command_is_sams_with_a_zip(self):
        self.assertEqual(
            package.build_command("auth", "arm64"),
            ["cargo", "lambda", "build", "--release", "--arm64", "--bin", "auth", "--output-format", "zip"],
        )
        self.assertNotIn("--arm64", package.build_command("auth", "x86_64"))

    def test_every_function_of_the_template_is_packaged_by_its_binary(self):
        functions = template.functions(template.load())
        binaries = [f.binary for f in functions]
        self.assertIn("auth", binaries)
        self.assertIn("report-worker", binaries)
        self.assertEqual(len(binaries), len(set(binaries)))
        for f in functions:
            self.assertEqual(f.code_uri, template.ROOT, f.logical_id)

    def zip_with(self, name: str, data: bytes, mode: int) -> pathlib.Path:
        path = pathlib.Path(self.tmp.name) / "bootstrap.zip"
        with zipfile.ZipFile(path, "w") as z:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            z.writestr(info, data)
        return path

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_a_zip_must_be_one_executable_bootstrap_for_the_architecture(self):
        elf = lambda machine: b"\x7fELF" + bytes(14) + machine.to_bytes(2, "little")  # noqa: E731
        ok = self.zip_with("bootstrap", elf(0x3E), 0o755)
        self.assertEqual(package.check_zip(ok, "x86_64"), 20)
        with self.assertRaisesRegex(ValueError, "not arm64"):
            package.check_zip(ok, "arm64")
        with self.assertRaisesRegex(ValueError, "not executable"):
            package.check_zip(self.zip_with("bootstrap", elf(0x3E), 0o644), "x86_64")
        with self.assertRaisesRegex(ValueError, "not just bootstrap"):
            package.check_zip(self.zip_with("auth", elf(0x3E), 0o755), "x86_64")


if __name__ == "__main__":
    unittest.main()
