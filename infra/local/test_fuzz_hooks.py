"""Which failures infra/local/fuzz_hooks.py sets aside: only the local emulator's own 500,
to a body that is not UTF-8 or to a request the function answers when sent again."""

import http.server
import importlib.util
import pathlib
import threading
import types
import unittest

spec = importlib.util.spec_from_file_location(
    "fuzz_hooks", pathlib.Path(__file__).with_name("fuzz_hooks.py")
)
hooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hooks)
filter_failure = getattr(hooks.filter_failure, "__wrapped__", hooks.filter_failure)
hooks.RETRY_AFTER_SECONDS = (0, 0, 0)


class Server(http.server.BaseHTTPRequestHandler):
    """Answers /again-ok with 200 and /again-emulator with the emulator's 500."""

    def do_GET(self):
        if self.path == "/again-ok":
            self.send_response(200)
            body = b"{}"
        else:
            self.send_response(500)
            body = hooks.EMULATOR_500
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def answer(status, content, url, body=None):
    request = types.SimpleNamespace(method="GET", url=url, headers={}, body=body)
    return types.SimpleNamespace(status_code=status, content=content, request=request)


class FilterFailure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def kept(self, response):
        return filter_failure(None, None, None, response)

    def test_a_functions_500_is_a_failure(self):
        ours = b'{"type":"about:blank","title":"Internal Server Error","status":500}'
        self.assertTrue(self.kept(answer(500, ours, f"{self.base}/again-ok")))

    def test_the_emulators_500_to_a_body_that_is_not_utf8_is_set_aside(self):
        self.assertFalse(self.kept(answer(500, hooks.EMULATOR_500, f"{self.base}/x", b"\xff\xfe")))

    def test_the_emulators_500_answered_when_sent_again_is_set_aside(self):
        self.assertFalse(self.kept(answer(500, hooks.EMULATOR_500, f"{self.base}/again-ok")))

    def test_the_emulators_500_twice_is_a_failure(self):
        self.assertTrue(self.kept(answer(500, hooks.EMULATOR_500, f"{self.base}/again-emulator")))

    def test_other_failures_are_kept(self):
        self.assertTrue(self.kept(answer(422, b"{}", f"{self.base}/again-ok")))


if __name__ == "__main__":
    unittest.main()
