"""moto's server, applying one request at a time.

DynamoDB evaluates a conditional write and applies it atomically. moto's own server handles requests
on concurrent threads and checks a condition and writes in separate steps, so two racing conditional
writes can both succeed there: the optimistic-locking race tests would then fail for the emulator's
reason, not daplug's. Serialising requests restores the service's guarantee; everything else is
moto's own server (same application, same request handler).

Usage: python moto_server.py HOST PORT
"""

import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            # Materialise the response inside the lock: the backend's work happens while iterating.
            return list(app(environ, start_response))

    # Threads still accept connections concurrently (keep-alive works); only the work is serialised.
    run_simple(host, port, serial, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
