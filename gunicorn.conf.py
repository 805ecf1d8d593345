"""gunicorn settings for the Formatietool (``make run`` and production; see docs/productie.md).

Threaded workers (gthread) instead of sync ones: two idle connections blocked both sync workers
for 30 s (issue 12). gunicorn 27's gthread worker hands a new connection to a thread, which
waits up to 5 s for the request before parking a silent connection in the worker's selector;
so there must be more threads than idle connections one expects, or /health waits for those
5 s. 64 threads per worker keep /health p95 at ~10 ms with 50 idle connections open
(bench/bench_idle.py). Threads mostly wait (on the network, the database, numpy without the
GIL); in production nginx in front absorbs idle and slow clients and limits connections per
address (deploy/nginx.conf, docs/productie.md, bench/bench_nginx.py).

Environment: ``PORT`` (5000), ``BIND`` (overrides ``127.0.0.1:$PORT``; behind a proxy keep it
on loopback or a socket), ``WEB_CONCURRENCY`` (workers, 2), ``GUNICORN_THREADS`` (threads per
worker, 64).
"""

import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
# Open connections per worker (idle ones included); beyond it new ones wait in the backlog.
worker_connections = 1000
# A request whose worker is silent this long is killed and the worker restarted. Workbook
# reading stays within its own budget (formatie.werkboek.xlsx_budget: refused within ~2 s), the
# slowest regular page (regional ranges) takes a few seconds.
timeout = 30
graceful_timeout = 20
# Seconds an idle keep-alive connection, or a new one that sends nothing, is kept open (gthread
# parks both in its selector for this long). As short as the app allows: behind nginx every
# request comes on a connection of its own (deploy/nginx.conf), and a browser on `make run`
# simply opens a new one. gunicorn has no timeout for headers that arrive slowly: a client
# that trickles them holds a thread; nginx in front absorbs such clients (issue 19: 300 of them
# straight to gunicorn made /health fail, through nginx 0 of 200 polls failed).
keepalive = 2
# Request line and header limits (gunicorn's defaults, stated): a hostile client cannot send
# megabytes of headers. Bodies are limited by the app (MAX_CONTENT_LENGTH, 5 MB).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then (numpy/openpyxl memory does not always return to the OS).
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# Only the X-Forwarded-* of a proxy on this machine are believed (the app's PROXY_COUNT).
forwarded_allow_ips = "127.0.0.1"
