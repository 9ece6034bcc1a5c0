"""Schemathesis hooks for infra/local/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

One failure is the local emulator's, not the console's: `cargo lambda watch` (1.9.2)
turns a request into an API Gateway event itself, reading a body sent as
`application/json` or `text/*` as UTF-8 text, and answers a body that is not UTF-8 with
its own 500 (`{"type":"https://httpstatuses.com/500",...}`, text/plain) without invoking
any function. In AWS such a body reaches the function, which answers 400 problem+json;
tests/tests/rejections.rs sends one to every route that reads JSON. Only that exact
answer to that kind of body is set aside; every other 500 stays a failure.
"""

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


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    emulator_refused = (
        response.status_code == 500
        and response.content == EMULATOR_500
        and _not_utf8(response.request.body)
    )
    return not emulator_refused
