"""Cross-check of a plan with the SUMO traffic microsimulation (optional extra ``[sim]``).

Consumes a :class:`planning.plan.Plan` (same layer as ``exports/`` and ``store/``):
:mod:`sim.network` builds the road network with netconvert, :mod:`sim.demand` turns the
plan's car demand into SUMO trips, :mod:`sim.run` runs SUMO's mesoscopic model,
:mod:`sim.results` reads its outputs and :mod:`sim.compare` reports SUMO next to the
fast estimate in ``simulation.json``.
"""
