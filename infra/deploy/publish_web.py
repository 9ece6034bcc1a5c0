#!/usr/bin/env python3
"""Publishes the built web app (web/dist) to the web bucket without ever serving a
broken page.

1. Every file but index.html goes up first: the hashed files under assets/ with
   `Cache-Control: public, max-age=31536000, immutable` (their names change with their
   content), other files (the unhashed public ones, e.g. favicon.svg) with a short
   cache; each with its Content-Type.
2. Then index.html, with `Cache-Control: no-cache`: from that moment browsers load the
   new build, whose every asset is already there.
3. Then a CloudFront invalidation of /index.html and /, so no edge keeps the old page.
4. Old assets stay: a browser that loaded the previous index.html a minute ago still
   loads its scripts. A file is deleted only once it has not been part of the live
   build for KEEP_DAYS days (default 7). When each file stopped being live is kept in
   the bucket, in HISTORY_KEY: S3 lifecycle rules count from an object's creation, not
   from when it stopped being referenced, so they cannot do this alone.

Source maps (*.map) are published only with --source-maps. Rollback is publishing a
previous build: its files are uploaded again and become live, whatever was retired.
`--endpoint-url` points S3 and CloudFront at moto.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pathlib
import sys
from typing import Callable, Dict, Iterable, List, Optional

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
NO_CACHE = "no-cache"
INDEX = "index.html"
# Not a page of the app; its content (file names and dates) is no secret.
HISTORY_KEY = "_publish/history.json"
HASHED_PREFIX = "assets/"
KEEP_DAYS = 7
# Publishes remembered in the history, for an operator looking for what was live when.
HISTORY_PUBLISHES = 50

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}


def content_type(key: str) -> str:
    return CONTENT_TYPES.get(pathlib.PurePosixPath(key).suffix.lower(), "application/octet-stream")


def cache_control(key: str) -> str:
    if key == INDEX:
        return NO_CACHE
    if key.startswith(HASHED_PREFIX):
        return IMMUTABLE
    return SHORT


def build_files(dist: pathlib.Path, source_maps: bool) -> Dict[str, pathlib.Path]:
    """The bucket key of every file to publish, and its path."""
    if not (dist / INDEX).is_file():
        raise SystemExit(f"publish_web: {dist / INDEX} is missing: build the web app first")
    files = {}
    for path in sorted(dist.rglob("*")):
        if not path.is_file():
            continue
        key = path.relative_to(dist).as_posix()
        if key.endswith(".map") and not source_maps:
            continue
        if key == HISTORY_KEY:
            raise SystemExit(f"publish_web: {key} is the publish history's own key")
        files[key] = path
    return files


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def read_history(s3, bucket: str) -> dict:
    try:
        body = s3.get_object(Bucket=bucket, Key=HISTORY_KEY)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return {"retired": {}, "publishes": []}
    history = json.loads(body)
    history.setdefault("retired", {})
    history.setdefault("publishes", [])
    return history


def bucket_keys(s3, bucket: str) -> List[str]:
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def upload(s3, bucket: str, key: str, path: pathlib.Path) -> None:
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=path.read_bytes(),
        ContentType=content_type(key),
        CacheControl=cache_control(key),
    )


def delete(s3, bucket: str, keys: Iterable[str]) -> None:
    keys = sorted(keys)
    for i in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[i : i + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


def publish(
    s3,
    cloudfront,
    bucket: str,
    distribution_id: str,
    dist: pathlib.Path,
    *,
    keep_days: int = KEEP_DAYS,
    source_maps: bool = False,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    log: Callable[[str], None] = print,
) -> dict:
    """Publishes `dist`; returns what it did: uploaded, deleted and kept (retired files
    still within the keep period) keys, and the invalidation id."""
    files = build_files(dist, source_maps)
    for key, path in files.items():
        if key != INDEX:
            upload(s3, bucket, key, path)
    upload(s3, bucket, INDEX, files[INDEX])
    log(f"published {len(files)} files to s3://{bucket} (index.html last)")

    index_hash = hashlib.sha256(files[INDEX].read_bytes()).hexdigest()
    published_at = now()
    invalidation = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/"]},
            "CallerReference": f"publish-{utc(published_at)}-{index_hash[:16]}",
        },
    )["Invalidation"]["Id"]
    log(f"invalidated /index.html and / on {distribution_id} ({invalidation})")

    # Every file in the bucket that is not part of this build stopped being live now,
    # unless an earlier publish already noted when it did.
    history = read_history(s3, bucket)
    live = set(files)
    retired: Dict[str, str] = {}
    for key in bucket_keys(s3, bucket):
        if key in live or key == HISTORY_KEY:
            continue
        retired[key] = history["retired"].get(key, utc(published_at))
    limit = published_at - dt.timedelta(days=keep_days)
    expired = {k for k, since in retired.items() if parse_utc(since) <= limit}
    history["retired"] = {k: v for k, v in sorted(retired.items()) if k not in expired}
    history["publishes"] = (
        history["publishes"] + [{"at": utc(published_at), "index": index_hash, "files": len(files)}]
    )[-HISTORY_PUBLISHES:]
    # The history is written before anything is deleted: a run that stops in between
    # leaves files to delete next time, never a file the history forgot.
    s3.put_object(
        Bucket=bucket,
        Key=HISTORY_KEY,
        Body=json.dumps(history, indent=1).encode(),
        ContentType="application/json",
        CacheControl=NO_CACHE,
    )
    delete(s3, bucket, expired)
    if expired:
        log(f"deleted {len(expired)} files not live for {keep_days} days: {', '.join(sorted(expired))}")
    if history["retired"]:
        log(f"kept {len(history['retired'])} files of earlier builds (deleted {keep_days} days after they stopped being live)")
    return {
        "uploaded": list(files),
        "deleted": sorted(expired),
        "kept": sorted(history["retired"]),
        "invalidation": invalidation,
    }


def main(argv: Optional[List[str]] = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bucket", required=True, help="the stack's WebBucketName output")
    parser.add_argument("--distribution-id", required=True, help="the stack's DistributionId output")
    parser.add_argument("--dist", type=pathlib.Path, default=pathlib.Path("web/dist"))
    parser.add_argument("--keep-days", type=int, default=KEEP_DAYS)
    parser.add_argument("--source-maps", action="store_true", help="publish the *.map files too")
    parser.add_argument("--endpoint-url", help="an S3 and CloudFront endpoint (moto)")
    parser.add_argument("--region")
    args = parser.parse_args(argv)
    if args.keep_days < 1:
        parser.error("--keep-days must be at least 1")
    session = boto3.session.Session(region_name=args.region)
    s3 = session.client("s3", endpoint_url=args.endpoint_url)
    cloudfront = session.client("cloudfront", endpoint_url=args.endpoint_url)
    publish(
        s3,
        cloudfront,
        args.bucket,
        args.distribution_id,
        args.dist,
        keep_days=args.keep_days,
        source_maps=args.source_maps,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
