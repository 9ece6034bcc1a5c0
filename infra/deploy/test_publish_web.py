"""publish_web against moto's S3 and CloudFront: a real bucket, a real distribution,
and the calls as the client sent them (botocore's event hooks), not a mock of S3.

Run: .venv/bin/python -m unittest infra/deploy/test_publish_web.py
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pathlib
import sys
import tempfile
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

import publish_web  # noqa: E402

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def write_build(root: pathlib.Path, name: str) -> pathlib.Path:
    """A build as `vite build` lays it out: index.html naming hashed assets, their
    source maps, and an unhashed public file."""
    dist = root / name
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        f'<!doctype html><script type="module" src="/assets/index-{name}.js"></script>'
        f'<link rel="stylesheet" href="/assets/index-{name}.css">'
    )
    (dist / "assets" / f"index-{name}.js").write_text(f"console.log('{name}')\n//# sourceMappingURL=index-{name}.js.map")
    (dist / "assets" / f"index-{name}.js.map").write_text('{"version":3}')
    (dist / "assets" / f"index-{name}.css").write_text("body{margin:0}")
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return dist


class PublishWebTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        cls.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        cls.server.start()
        host, port = cls.server.get_host_and_port()
        cls.endpoint = f"http://{host}:{port}"

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        session = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        self.s3 = session.client("s3", endpoint_url=self.endpoint)
        self.cloudfront = session.client("cloudfront", endpoint_url=self.endpoint)
        self.bucket = f"web-{uuid.uuid4().hex[:12]}"
        self.s3.create_bucket(Bucket=self.bucket)
        self.distribution = self.cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": self.bucket,
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "web",
                            "DomainName": f"{self.bucket}.s3.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "web",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                },
            }
        )["Distribution"]["Id"]
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.root = pathlib.Path(self.tmp.name)
        # Every call the publisher makes, in order, as botocore sends it.
        self.calls = []

        def record(params, model, **_):
            self.calls.append((model.name, params.get("Key")))

        self.s3.meta.events.register("before-parameter-build.s3.*", record)
        self.cloudfront.meta.events.register("before-parameter-build.cloudfront.*", record)

    def publish(self, dist, at, **options):
        return publish_web.publish(
            self.s3, self.cloudfront, self.bucket, self.distribution, dist,
            now=lambda: at, log=lambda _: None, **options,
        )

    def keys(self):
        return {o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])}

    def test_every_file_goes_up_before_index_html_and_the_invalidation_after_it(self):
        self.publish(write_build(self.root, "a1"), T0)
        puts = [key for op, key in self.calls if op == "PutObject"]
        self.assertEqual(
            set(puts[: puts.index("index.html")]),
            {"assets/index-a1.js", "assets/index-a1.css", "favicon.svg"},
            "every file of the build before index.html",
        )
        ops = [op for op, _ in self.calls]
        self.assertLess(self.calls.index(("PutObject", "index.html")), ops.index("CreateInvalidation"))
        self.assertEqual(ops.count("CreateInvalidation"), 1)
        invalidations = self.cloudfront.list_invalidations(DistributionId=self.distribution)
        [made] = invalidations["InvalidationList"]["Items"]
        paths = self.cloudfront.get_invalidation(DistributionId=self.distribution, Id=made["Id"])
        self.assertEqual(
            set(paths["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]), {"/index.html", "/"}
        )

    def test_hashed_assets_are_immutable_index_html_is_never_cached_and_each_has_its_type(self):
        self.publish(write_build(self.root, "a1"), T0)
        expected = {
            "index.html": ("no-cache", "text/html; charset=utf-8"),
            "assets/index-a1.js": ("public, max-age=31536000, immutable", "text/javascript; charset=utf-8"),
            "assets/index-a1.css": ("public, max-age=31536000, immutable", "text/css; charset=utf-8"),
            "favicon.svg": ("public, max-age=300", "image/svg+xml"),
        }
        for key, (cache, ctype) in expected.items():
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
            self.assertEqual((head["CacheControl"], head["ContentType"]), (cache, ctype), key)
        body = self.s3.get_object(Bucket=self.bucket, Key="assets/index-a1.js")["Body"].read()
        self.assertEqual(body, (self.root / "a1" / "assets" / "index-a1.js").read_bytes())

    def test_source_maps_are_published_only_when_asked(self):
        dist = write_build(self.root, "a1")
        self.publish(dist, T0)
        self.assertNotIn("assets/index-a1.js.map", self.keys())
        self.publish(dist, T0, source_maps=True)
        head = self.s3.head_object(Bucket=self.bucket, Key="assets/index-a1.js.map")
        self.assertEqual(head["ContentType"], "application/json")

    def test_an_earlier_builds_assets_stay_until_they_have_not_been_live_for_the_keep_period(self):
        self.publish(write_build(self.root, "a1"), T0)
        b2 = write_build(self.root, "b2")
        # A day later b2 replaces a1: a1's script is no longer live, but a browser that
        # loaded a1's page a moment ago still needs it.
        replaced = T0 + dt.timedelta(days=1)
        done = self.publish(b2, replaced)
        self.assertIn("assets/index-a1.js", self.keys())
        self.assertEqual(done["deleted"], [])
        self.assertIn("assets/index-a1.js", done["kept"])
        # Its clock starts when it stopped being live, not when it was uploaded.
        almost = replaced + dt.timedelta(days=7) - dt.timedelta(minutes=1)
        self.assertEqual(self.publish(b2, almost)["deleted"], [])
        self.assertIn("assets/index-a1.js", self.keys())
        done = self.publish(b2, replaced + dt.timedelta(days=7))
        self.assertEqual(done["deleted"], ["assets/index-a1.css", "assets/index-a1.js"])
        self.assertEqual(
            self.keys(),
            {"index.html", "favicon.svg", "assets/index-b2.js", "assets/index-b2.css", publish_web.HISTORY_KEY},
        )
        index = self.s3.get_object(Bucket=self.bucket, Key="index.html")["Body"].read().decode()
        self.assertIn("index-b2.js", index)

    def test_a_rollback_makes_the_earlier_build_live_again_and_keeps_it(self):
        a1 = write_build(self.root, "a1")
        self.publish(a1, T0)
        self.publish(write_build(self.root, "b2"), T0 + dt.timedelta(days=1))
        self.publish(a1, T0 + dt.timedelta(days=2))
        done = self.publish(a1, T0 + dt.timedelta(days=30))
        self.assertNotIn("assets/index-a1.js", done["deleted"])
        self.assertIn("assets/index-a1.js", self.keys())
        self.assertIn("assets/index-b2.js", done["deleted"])

    def test_a_build_without_index_html_publishes_nothing(self):
        dist = write_build(self.root, "a1")
        (dist / "index.html").unlink()
        with self.assertRaises(SystemExit):
            self.publish(dist, T0)
        self.assertEqual(self.keys(), set())


if __name__ == "__main__":
    unittest.main()
