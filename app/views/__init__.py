"""The views: one blueprint module per feature. A view is thin (validate, call one service,
render) and never imports another view; shared pieces live in :mod:`app.services`
(tests/web/test_structuur.py)."""
