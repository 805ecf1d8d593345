"""Formatietool: the model that turns invoer and a normenset into FTE for leerplicht and the
Doorstroompunt. Pure Python + numpy/scipy: no Flask, no database, no network."""

__version__ = "0.1.0"


def _een_blas_draad() -> None:
    """One BLAS thread in every process that runs the model: the CLI, a web worker, a test.

    A threaded matrix product adds in another order than a single-threaded one, so the same
    range came out of a web worker and the CLI different in the 7th digit (float32 draws),
    against the promise of one figure on every surface. The model's products are small
    (342 × 29 by 29 × 1.000); extra threads only spun on the other core for them (a national
    run with ranges burned 1,5 × the CPU for the same wall time), and a web worker already
    runs requests on threads of its own. The environment covers a BLAS loaded from here on
    (numpy's, scipy's own); threadpoolctl the one numpy loaded before this package.
    """
    import os

    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    import numpy  # noqa: F401  (loads numpy's BLAS now, under the setting above)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


_een_blas_draad()
