"""The local AWS stack: one moto server on loopback for DynamoDB, S3, SES, SNS,
EventBridge and Cognito.

Differences from `moto_server`:
- requests are handled one at a time (a lock around the application), because moto's
  DynamoDB transactions are not atomic across threads, while DynamoDB's are: with the
  lock, concurrent conditional writes behave as they do in AWS;
- a cancelled transaction puts back just the items it names, instead of moto's copy
  of the whole table per item (see `back_up_only_what_a_transaction_touches`);
- `--port 0` picks a free port, and `--port-file` tells it to whoever started us;
- `GET /_local/sms` lists the text messages SNS was asked to send (moto keeps them
  without an API to read them back).
"""

import argparse
import os
import signal
import sys
import threading

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def back_up_only_what_a_transaction_touches():
    """moto makes a TransactWriteItems undoable by deep-copying the whole table, once
    per item of the transaction: a 100-item transaction on a table of ten thousand items
    copies a million items and takes seconds. Here the transaction instead keeps a copy
    of just the items it names, and puts exactly those back when it is cancelled. What a
    client sees is the same: all of the transaction, or none of it."""
    import copy
    import types

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        tables = {id(t) for t in self.tables.values()}
        touched = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            if table.hash_key_attr not in key:
                continue
            h = DynamoType(key[table.hash_key_attr])
            r = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            before = table.items.get(h, {}).get(r) if r is not None else table.items.get(h)
            touched.append((table, h, r, copy.deepcopy(before)))

        def deepcopy(obj, memo=None):
            # The whole-table copy moto would make: the live table (nothing to copy).
            return obj if id(obj) in tables else copy.deepcopy(obj, memo)

        models.copy = types.SimpleNamespace(deepcopy=deepcopy)
        try:
            return original(self, transact_items)
        except Exception:
            for table, h, r, before in reversed(touched):
                if r is None:
                    if before is None:
                        table.items.pop(h, None)
                    else:
                        table.items[h] = before
                elif before is None:
                    table.items.get(h, {}).pop(r, None)
                else:
                    table.items[h][r] = before
            raise
        finally:
            models.copy = copy

    models.DynamoDBBackend.transact_write_items = transact_write_items


def refuse_an_unknown_session_as_aws_does():
    """AWS answers a challenge response whose session it never issued (or has expired)
    with NotAuthorizedException ("Invalid session for the user"); moto with
    ResourceNotFoundException, which the console rightly treats as a fault of its own."""
    from moto.cognitoidp import models
    from moto.cognitoidp.exceptions import NotAuthorizedError

    original = models.CognitoIdpBackend.respond_to_auth_challenge

    def respond_to_auth_challenge(self, session, client_id, challenge_name, challenge_responses):
        if challenge_name != "PASSWORD_VERIFIER" and session not in self.sessions:
            raise NotAuthorizedError("Invalid session for the user.")
        return original(self, session, client_id, challenge_name, challenge_responses)

    models.CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge


def sent_text_messages():
    """Every text message SNS has "sent" to a phone number, in every account and region,
    as JSON: what a phone would have received (tests read it at `/_local/sms`)."""
    import json

    from moto.sns.models import sns_backends

    out = []
    for account, regions in sns_backends.items():
        for region, backend in regions.items():
            for message_id, (number, text) in backend.sms_messages.items():
                out.append({"id": message_id, "phoneNumber": number, "message": text})
    return json.dumps(out).encode()


class Serialized:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/_local/sms":
            with self.lock:
                body = sent_text_messages()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
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
    back_up_only_what_a_transaction_touches()
    refuse_an_unknown_session_as_aws_does()
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
