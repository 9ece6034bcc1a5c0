"""Schemathesis hooks for infra/local/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

One failure is the local emulator's, not the console's: `cargo lambda watch` (1.9.2)
turns a request into an API Gateway event itself, reading a body sent as
`application/json` or `text/*` as UTF-8 text, and answers a body that is not UTF-8 with
its own 500 (`{"type":"https://httpstatuses.com/500",...}`, text/plain) without invoking
any function. In AWS such a body reaches the function, which answers 400 problem+json;
tests/tests/rejections.rs sends one to every route that reads JSON. Only that exact
answer to that kind of body is set aside.

The emulator also answers that same 500 now and then to a well-formed request while
many requests wait on one function (it runs one instance per function); the same
request sent again is answered by the function. Such an answer is set aside only when
sending the request once more gets an answer from the function; a request the emulator
refuses twice stays a failure, and so does every other 500: a function's own failure is
never this body (its errors are `about:blank` problems, or the runtime's error object).
"""

import sys

import requests
import schemathesis

EMULATOR_500 = b'{"type":"https://httpstatuses.com/500","status":500,"title":"Internal Server Error"}'


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


def _answered_when_sent_again(request) -> bool:
    again = requests.request(
        request.method,
        request.url,
        headers=dict(request.headers),
        data=request.body,
        timeout=120,
    )
    answered = not (again.status_code == 500 and again.content == EMULATOR_500)
    print(
        f"fuzz: the emulator's 500 to {request.method} {request.url}; sent again: "
        f"{again.status_code}{'' if answered else ' (the emulator again: a failure)'}",
        file=sys.stderr,
    )
    return answered


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    if response.status_code != 500 or response.content != EMULATOR_500:
        return True
    if _not_utf8(response.request.body):
        return False
    return not _answered_when_sent_again(response.request)
