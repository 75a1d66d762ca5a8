"""Capacity-aware assignment of evacuees to reception sites.

A transportation problem solved exactly with HiGHS (``scipy.optimize.linprog``):
minimise total person-seconds of travel subject to site capacities, with an
"unassigned" slack per origin priced above any real trip, so as many people
as the capacities allow are placed first. Supplies and capacities are whole
numbers, so the optimal vertex HiGHS returns is integral.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from geo.errors import EvacError


def assign(supply: np.ndarray, cost_s: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Optimal flows from origins to sites.

    Parameters
    ----------
    supply
        People per origin, shape (m,), whole numbers.
    cost_s
        Travel time in seconds, shape (m, k); ``inf`` where a site is unreachable.
    capacity
        Places per site, shape (k,), whole numbers.

    Returns
    -------
    ndarray
        People from origin ``i`` to site ``j``, shape (m, k), integers. Row sums
        never exceed ``supply``; column sums never exceed ``capacity``.
    """
    supply = np.asarray(supply, dtype=float)
    cost_s = np.asarray(cost_s, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    m, k = cost_s.shape
    flows = np.zeros((m, k), dtype=np.int64)
    rows, cols = np.nonzero(np.isfinite(cost_s) & (supply[:, None] > 0) & (capacity[None] > 0))
    if len(rows) == 0:
        return flows
    c = cost_s[rows, cols]
    big = (c.max() + 1.0) * 10.0  # dearer than any trip: assign before optimising time
    n_x = len(rows)
    origins = np.unique(rows)
    slack_of = np.full(m, -1)
    slack_of[origins] = np.arange(len(origins))
    objective = np.concatenate([c, np.full(len(origins), big)])
    n_o = len(origins)
    # Built straight as CSR arrays: scipy's sparse stacking cost more than the solve.
    # Each origin: its flows plus its slack equal its supply.
    a_eq = _csr_rows(np.r_[slack_of[rows], np.arange(n_o)], n_o, n_x + n_o)
    # Each site: inflow at most its capacity.
    a_ub = _csr_rows(cols, k, n_x + n_o)
    res = linprog(
        objective,
        A_ub=a_ub,
        b_ub=capacity,
        A_eq=a_eq,
        b_eq=supply[origins],
        bounds=(0, None),
        method="highs-ds",
    )
    if res.status != 0:
        raise EvacError(f"Assignment solver failed ({res.message}); please report this.")
    x = np.rint(res.x[:n_x]).astype(np.int64)
    flows[rows, cols] = x
    return flows


def _csr_rows(row: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    """A 0/1 matrix with a one at (``row[i]``, ``i``) for each variable ``i`` in ``row``."""
    order = np.argsort(row, kind="stable")  # column order within each row
    indptr = np.searchsorted(row[order], np.arange(n_rows + 1))
    return sp.csr_matrix((np.ones(len(row)), order, indptr), shape=(n_rows, n_cols))
