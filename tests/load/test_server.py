"""The thread server the browser and single sign-on tests use (tests/load/server.py)."""

from __future__ import annotations

import gc
import socket
import struct
import time
import warnings

from load.server import ThreadServer


def test_a_connection_dropped_mid_response_leaves_no_file_open(tmp_path):
    """werkzeug's dev server reads the socket before it closes a response; when the browser
    resets the connection right then (a page navigated away while style.css was loading), that
    read raises and the static file stays open until the garbage collector warns, in whatever
    test runs next (`make test` once ended red on it). ThreadServer closes every response
    itself."""
    from app import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path / 'x.db'}"}, instance_path=str(tmp_path / "i"))
    server = ThreadServer(app)
    server.thread.start()  # no /health wait: this database has no tables, the CSS needs none
    try:
        with warnings.catch_warnings(record=True) as gevangen:
            warnings.simplefilter("always")
            for _ in range(40):
                with socket.create_connection(("127.0.0.1", server.server.server_port)) as s:
                    s.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
                    s.recv(10)
                    # close with a reset (linger 0), as a browser drops a connection
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            time.sleep(0.5)
            gc.collect()
        open_files = [str(w.message) for w in gevangen if issubclass(w.category, ResourceWarning)]
        assert open_files == []
    finally:
        server.stop()
