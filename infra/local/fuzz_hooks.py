"""Schemathesis hooks for infra/local/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

1. Two failures are the local emulator's, not the console's: `cargo lambda watch` (1.9.2)
turns a request into an API Gateway event itself, reading a body sent as
`application/json` or `text/*` as UTF-8 text, and answers a body that is not UTF-8 with
its own 500 (`{"type":"https://httpstatuses.com/500",...}`, text/plain) without invoking
any function. In AWS such a body reaches the function, which answers 400 problem+json;
tests/tests/rejections.rs sends one to every route that reads JSON. Only that exact
answer to that kind of body is set aside; every other 500 stays a failure. It answers
the same 500, again without invoking any function, to a header value that is not
visible ASCII (the coverage phase sends one for `Idempotency-Key`, whose pattern says
visible ASCII); the function answers such a key 422. And it answers that 500 now and
then to a well-formed request while another request waits on the same function (it runs
one instance per function, and its file watcher restarts them when a file in the
checkout changes); such an answer is set aside only when the same request, sent again
(up to three times, a few seconds apart), gets an answer from the function. A request the emulator refuses twice stays a
failure, and so does every other 500: a function's own failure is never this body (its
errors are `about:blank` problems, or the runtime's error object).

2. `positive_data_acceptance` expects every request the document allows to succeed. The
document states every rule a field has on its own (lengths, patterns, formats, ranges,
enums, required); a few refusals depend on something a JSON Schema cannot say, and
only those are set aside, each for the operations and fields it concerns:
- stored data: a `cursor` from no earlier page, an `If-Match` that names no stored
  version (412), an `Idempotency-Key` an earlier request used with another body, a
  role, customer, user, template or serial the partner does not have, a role name
  taken, a rule without a webhook to test, a management type the customer already has,
  a two-step code that is not the current one;
- one field against another: `from` after `to`, a product's trial against its seats,
  the options a report type offers, the permissions "All customers" disables, the fields
  a bulk action takes (and a trial's product that has none), an alert
  rule's computer names against its scope, a contact address against its type, a
  layout that lists every widget once, a password that contains the login's name;
- a serial's check character (a pattern states its shape);
- a whole number written with a fraction (`5.0`): JSON Schema counts it as an integer,
  the code reads integers only;
- a logo whose bytes are no image of its declared type.
A refusal is set aside only when every field error of the answer is one of these.

3. Hypothesis parses Python source now and then (`ast.parse`: to name the filters it
builds, to print values), and CPython 3.11 fails that at random when threads do it at
once ("AST constructor recursion depth mismatch"), which ends an operation's test with an
error. With several workers and the document's patterns that happens; one lock around
`ast.parse` in this process avoids it.
"""

import ast
import json
import re
import sys
import threading
import time

import requests
import schemathesis

_parse = ast.parse
_parsing = threading.Lock()


def _parse_one_at_a_time(*args, **kwargs):
    with _parsing:
        return _parse(*args, **kwargs)


ast.parse = _parse_one_at_a_time

EMULATOR_500 = b'{"type":"https://httpstatuses.com/500","status":500,"title":"Internal Server Error"}'


def _header_not_ascii(request) -> bool:
    for value in request.headers.values():
        codes = bytes(value) if isinstance(value, bytes) else [ord(c) for c in str(value)]
        if any(c < 0x20 or c > 0x7E for c in codes):
            return True
    return False


def _not_utf8(body) -> bool:
    if body is None:
        return False
    if isinstance(body, str):
        return False
    try:
        bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# Refusals a schema cannot state: (field, message), both regular expressions matched from
# the start, for every operation (None) or for one ("METHOD /path").
STORED = [
    (r"cursor$", r"is not a cursor from this list"),
    (r"role$", r"is not one of your roles"),
    (r"reassignTo$", r"(must be another role|is not one of your roles)"),
    (r"(customers|options\.customers)\[\d+\]$", r"(is not one of your customers|no such customer)"),
    (r"access(\.\w+)?(\[\d+\])?$", r".* is not one of your customers"),
    (r"(recipients|delivery\.users)\[\d+\]$", r"(is not one of your users|no such user)"),
    (r"templateId$", r"no such template"),
    (r"(serial|productSerial)$", r"(is not a valid serial number: check it for typos|no product serial number matches)"),
    (r"name$", r"another role has this name"),
    (r"Idempotency-Key$", r"was already used with a different request"),
]
CROSS_FIELD = {
    "GET /api/v1/audit": [(r"to$", r"must not be before from")],
    "GET /api/v1/alerts": [(r"to$", r"must not be before from")],
    "GET /api/v1/billing/usage": [
        (r"period$", r"choose a period or from and to, not both"),
        (r"from$", r"is required with to"),
        (r"to$", r"(is required with from|must not be before from|a period is at most|must not be in the future)"),
    ],
    "PATCH /api/v1/customers/{customerId}/settings": [(r"communications$", r"give communications or unmanagedMac")],
    "PATCH /api/v1/users/{userId}": [(r"firstName$", r"give at least one field to change")],
    "POST /api/v1/alert-rules/{ruleId}/test": [(r"webhook$", r"this rule has no webhook to test")],
    "POST /api/v1/customers/{customerId}/management": [(r"management$", r"is already ")],
    "POST /api/v1/me/mfa/verify": [(r"code$", r"is not the code your app shows now")],
    "POST /api/v1/auth/sign-up": [(r"password$", r"must not contain your email address")],
    "POST /api/v1/customers": [
        (r"products\[\d+\]\.(type|seats|product)$", r"(.* has no trial|trials have 50 seats|is required for a paid subscription|is already in the list)"),
    ],
    "POST /api/v1/customers/{customerId}/entitlements": [
        (r"products(\[\d+\]\.(type|seats|product))?$", r""),
    ],
    # Which of product, management and confirm a bulk action takes, and whose product has a trial.
    "POST /api/v1/customers/bulk": [
        (r"(product|management|confirm)$", r"is (only|required) for "),
        (r"product$", r".* has no trial"),
    ],
    "POST /api/v1/alert-rules": [(r"computers\.names$", r""), (r"webhook\.url$", r"")],
    "PUT /api/v1/alert-rules/{ruleId}": [(r"computers\.names$", r""), (r"webhook\.url$", r"")],
    "POST /api/v1/users/{userId}/contacts": [(r"address$", r"")],
    "PUT /api/v1/users/{userId}/contacts/{contactId}": [(r"address$", r"")],
    "PUT /api/v1/dashboard/layout": [(r"(widgets|hidden)(\[\d+\])?$", r"(must list|names a widget already listed)")],
    "PUT /api/v1/roles/{roleId}": [
        (r"permissions\.\w+$", r"is not available while All customers has"),
        (r"access(\.\w+)?$", r"(.* is chosen at more than one level|chooses \d+ customers)"),
    ],
}
REPORT_FORM = [
    (r"formats\[\d+\]$", r"(\w+ is not offered for|is chosen twice)"),
    (r"options\.customers$", r"(choose at least one customer|choose customers or all customers, not both)"),
    (r"options\.(computers|includeMac|reportBy|activeUsersOnly)$", r"is not an option of this report type"),
    (r"options\.period$", r""),
]
DELIVERY = [
    (r"delivery\.emails$", r""),
    (r"delivery\.(users|emails)\[\d+\]$", r"is chosen twice"),
]
for op in ["POST /api/v1/reports", "POST /api/v1/report-templates", "PUT /api/v1/report-templates/{templateId}"]:
    CROSS_FIELD[op] = REPORT_FORM + DELIVERY
# A template shares the report form's delivery, but keeps no recipients (its schedules do).
for op in ["POST /api/v1/report-templates", "PUT /api/v1/report-templates/{templateId}"]:
    CROSS_FIELD[op] = CROSS_FIELD[op] + [(r"delivery$", r"a template keeps no recipients")]
for op in ["POST /api/v1/report-schedules", "PUT /api/v1/report-schedules/{scheduleId}"]:
    CROSS_FIELD[op] = DELIVERY

WHOLE_FLOAT = re.compile(r"invalid type: floating point `-?\d+(\.0)?`, expected (i|u)\d+")


def _operation(case) -> str:
    return f"{case.method.upper()} {case.path}"


def _errors(response):
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors or None


def _explained(case, response) -> bool:
    if response.status_code == 412:
        return any(name.lower() == "if-match" for name in response.request.headers)
    if response.status_code == 415 and _operation(case) == "PUT /api/v1/branding/logo":
        body = bytes(response.request.body or b"")
        return not body.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8"))
    if response.status_code != 422:
        return False
    errors = _errors(response)
    if errors is None:
        return False
    rules = STORED + CROSS_FIELD.get(_operation(case), [])

    def known(error):
        field, message = error.get("field", ""), error.get("message", "")
        if WHOLE_FLOAT.match(message):
            return True
        return any(re.match(f, field) and re.match(m, message) for f, m in rules)

    return all(known(e) for e in errors)


# How long to wait before each new attempt: the emulator's trouble lasts a few seconds.
RETRY_AFTER_SECONDS = (1, 3, 6)


def _answered_when_sent_again(request) -> bool:
    for wait in RETRY_AFTER_SECONDS:
        time.sleep(wait)
        again = requests.request(
            request.method,
            request.url,
            headers=dict(request.headers),
            data=request.body,
            timeout=120,
        )
        answered = not (again.status_code == 500 and again.content == EMULATOR_500)
        print(
            f"fuzz: the emulator's 500 to {request.method} {request.url}; sent again "
            f"after {wait} s: {again.status_code}",
            file=sys.stderr,
        )
        if answered:
            return True
    print("fuzz: the emulator refused it every time: a failure", file=sys.stderr)
    return False


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    if response.status_code == 500 and response.content == EMULATOR_500:
        if _not_utf8(response.request.body) or _header_not_ascii(response.request):
            return False
        return not _answered_when_sent_again(response.request)
    if type(failure).__name__ == "RejectedPositiveData" and _explained(case, response):
        return False
    return True
