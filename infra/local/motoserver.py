"""The local AWS stack: one moto server on loopback for DynamoDB, S3, SES, EventBridge
and Cognito.

Differences from `moto_server`:
- requests are handled one at a time (a lock around the application), because moto's
  DynamoDB transactions are not atomic across threads, while DynamoDB's are: with the
  lock, concurrent conditional writes behave as they do in AWS;
- a transaction backs each table up once, not once per item (see
  `back_up_each_table_once`);
- `--port 0` picks a free port, and `--port-file` tells it to whoever started us.
"""

import argparse
import os
import signal
import sys
import threading

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def back_up_each_table_once():
    """moto backs a table up (a deep copy, for rollback) once per *item* of a
    TransactWriteItems, so a 100-item transaction copies the whole table 100 times and
    takes seconds on a table of a few thousand items. The first copy is the state
    before the transaction, so later ones can be that same copy: the result is
    identical, only without the 99 extra copies."""
    import copy
    import types

    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        tables = {id(t) for t in self.tables.values()}
        backups = {}

        def deepcopy(obj, memo=None):
            if id(obj) not in tables:
                return copy.deepcopy(obj, memo)
            if id(obj) not in backups:
                backups[id(obj)] = copy.deepcopy(obj, memo)
            return backups[id(obj)]

        models.copy = types.SimpleNamespace(deepcopy=deepcopy)
        try:
            return original(self, transact_items)
        finally:
            models.copy = copy

    models.DynamoDBBackend.transact_write_items = transact_write_items


class Serialized:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # Materialise the body inside the lock: moto builds responses eagerly anyway.
            return list(self.app(environ, start_response))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--port-file", help="write the bound port here once listening")
    args = parser.parse_args()

    # Cognito checks TOTP codes against the secret it hands out, as AWS does (moto's
    # secret is fixed; the codes are real).
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    back_up_each_table_once()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        args.host, args.port, Serialized(app), threaded=True, request_handler=MotoRequestHandler
    )
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"moto listening on http://{args.host}:{port}", flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
