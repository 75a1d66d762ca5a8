"""Plan layers built in one go from column arrays.

A plan builds a handful of small GeoDataFrames on every run. Inferring the
type of each column of Python strings (pandas' default ``str`` columns,
pyarrow-backed) and converting a geometry column cost more than the columns'
contents on frames this small (issue #8's warm-plan target), so text columns
are typed up front and geometries converted in one ``from_shapely`` call with
the shared CRS object. The frames are the ones pandas and geopandas infer
from the same columns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from geopandas.array import from_shapely

from geo import settings
from geo.crs import crs

#: pandas' default string dtype (``"str"``: pyarrow storage, NaN for missing).
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def text_array(values: Any) -> pd.api.extensions.ExtensionArray:
    """Python strings as a ``str`` column (what pandas infers for them, without inferring)."""
    array: pd.api.extensions.ExtensionArray = pd.array(values, dtype=TEXT)
    return array


def layer_frame(columns: Mapping[str, Any], text: Collection[str]) -> gpd.GeoDataFrame:
    """A layer in EPSG:25832 from column arrays, in column order.

    Parameters
    ----------
    columns
        Column name -> values (arrays or lists); ``geometry`` holds shapely
        geometries (or None).
    text
        The columns of strings: ``str`` columns, even when the layer is empty.
    """
    work = crs(settings.WORK_CRS)
    data = {c: text_array(v) if c in text else v for c, v in columns.items()}
    data["geometry"] = from_shapely(np.asarray(columns["geometry"], dtype=object), crs=work)
    return gpd.GeoDataFrame(data, geometry="geometry", crs=work)
