"""Run the test OpenID Connect provider: ``python -m tests.peers.oidc_provider.serve``.

Binds 127.0.0.1 on a free port and prints ``PORT=<n>`` once it accepts requests.
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.peers.oidc_provider.settings"
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    port = int(os.environ.get("PEER_PORT", "0"))
    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print(f"PORT={server.server_port}", flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
