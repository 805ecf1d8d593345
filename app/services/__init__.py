"""The services: stored figures (:mod:`.cijfers`), saves (:mod:`.opslaan`), and one page
service per page that needs several computations. A service imports no view
(tests/web/test_structuur.py)."""
