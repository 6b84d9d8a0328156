"""Kota Binjai's 5 kecamatan and 37 kelurahan: codes (Kepmendagri), names, centroids.

These are public facts carried as the project's own reference table so that the app
draws a centroid map with no boundary file. Polygons are drawn only when config points
at a boundary GeoJSON (for example ../shared/data/geo/binjai_kelurahan.geojson).

Population per kelurahan is a demo estimate: the 2020 census total (291,842) split
proportionally to each kelurahan's rough size. Per-10,000 rates are only as good as this
estimate until BPS figures per kelurahan replace it (not configurable yet).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CITY_CODE = "12.75"
CITY_NAME = "Kota Binjai"
CENSUS_2020_POPULATION = 291_842

KECAMATAN: dict[str, str] = {
    "12.75.01": "Binjai Utara",
    "12.75.02": "Binjai Kota",
    "12.75.03": "Binjai Barat",
    "12.75.04": "Binjai Timur",
    "12.75.05": "Binjai Selatan",
}


@dataclass(frozen=True)
class Kelurahan:
    code: str
    name: str
    lat: float
    lng: float
    weight: float  # relative size used to split population and demo activity

    @property
    def kecamatan_code(self) -> str:
        return self.code[:8]

    @property
    def kecamatan_name(self) -> str:
        return KECAMATAN[self.kecamatan_code]


_RAW = [
    ("12.75.01.1001", "Pahlawan", 3.62313, 98.49717, 1.0),
    ("12.75.01.1002", "Jati Negara", 3.61364, 98.49754, 0.9),
    ("12.75.01.1003", "Nangka", 3.61783, 98.50618, 1.1),
    ("12.75.01.1004", "Damai", 3.63792, 98.49427, 1.0),
    ("12.75.01.1005", "Kebun Lada", 3.63151, 98.48918, 1.0),
    ("12.75.01.1006", "Cengkeh Turi", 3.65244, 98.48791, 1.4),
    ("12.75.01.1007", "Jati Utomo", 3.66157, 98.50692, 1.0),
    ("12.75.01.1008", "Jati Makmur", 3.63090, 98.50721, 1.2),
    ("12.75.01.1009", "Jati Karya", 3.64489, 98.50560, 0.9),
    ("12.75.02.1001", "Berngam", 3.59673, 98.47080, 0.8),
    ("12.75.02.1002", "Satria", 3.59911, 98.48192, 0.7),
    ("12.75.02.1003", "Setia", 3.60438, 98.49002, 0.7),
    ("12.75.02.1004", "Kartini", 3.60278, 98.48572, 0.6),
    ("12.75.02.1005", "Tangsi", 3.60587, 98.48138, 0.7),
    ("12.75.02.1006", "Binjai", 3.60685, 98.48609, 0.6),
    ("12.75.02.1007", "Pekan Binjai", 3.61095, 98.49104, 0.5),
    ("12.75.03.1001", "Bandar Senembah", 3.60161, 98.45687, 1.3),
    ("12.75.03.1002", "Limau Mungkur", 3.60926, 98.47655, 0.9),
    ("12.75.03.1003", "Limau Sundai", 3.61440, 98.48626, 0.9),
    ("12.75.03.1004", "Paya Roba", 3.63501, 98.47449, 1.2),
    ("12.75.03.1005", "Suka Maju", 3.60949, 98.45271, 1.0),
    ("12.75.03.1006", "Sukaramai", 3.61155, 98.46752, 1.0),
    ("12.75.04.1001", "Tanah Tinggi", 3.61075, 98.50454, 1.1),
    ("12.75.04.1002", "Dataran Tinggi", 3.60599, 98.50638, 1.0),
    ("12.75.04.1003", "Timbang Langkat", 3.60080, 98.50358, 1.0),
    ("12.75.04.1004", "Mencirim", 3.59347, 98.49973, 1.0),
    ("12.75.04.1005", "Tunggurono", 3.58687, 98.52130, 1.2),
    ("12.75.04.1006", "Sumber Mulyorejo", 3.62024, 98.51922, 1.0),
    ("12.75.04.1007", "Sumber Karya", 3.61383, 98.52822, 1.0),
    ("12.75.05.1001", "Tanah Merah", 3.56175, 98.45802, 1.3),
    ("12.75.05.1002", "Binjai Estate", 3.58462, 98.48108, 1.1),
    ("12.75.05.1003", "Bhakti Karya", 3.55271, 98.46907, 1.0),
    ("12.75.05.1004", "Rambung Dalam", 3.59153, 98.49465, 0.9),
    ("12.75.05.1005", "Pujidadi", 3.57500, 98.49037, 1.0),
    ("12.75.05.1006", "Tanah Seribu", 3.56158, 98.48676, 1.0),
    ("12.75.05.1007", "Rambung Barat", 3.59381, 98.48831, 0.8),
    ("12.75.05.1008", "Rambung Timur", 3.59960, 98.49214, 0.8),
]

KELURAHAN: tuple[Kelurahan, ...] = tuple(Kelurahan(*row) for row in _RAW)
KELURAHAN_BY_CODE: dict[str, Kelurahan] = {k.code: k for k in KELURAHAN}


def estimated_population() -> dict[str, int]:
    """Residents per kelurahan (demo estimate summing to the 2020 census total)."""
    total_weight = sum(k.weight for k in KELURAHAN)
    return {k.code: round(CENSUS_2020_POPULATION * k.weight / total_weight) for k in KELURAHAN}


def kecamatan_of(kelurahan_code: str) -> str:
    """'12.75.01.1003' -> '12.75.01' (raises KeyError for an unknown code)."""
    return KELURAHAN_BY_CODE[kelurahan_code].kecamatan_code


class BoundaryError(ValueError):
    """A kelurahan boundary GeoJSON that cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Boundaries:
    geojson: dict        # the FeatureCollection, as read
    key: str             # the feature property holding the kelurahan code, e.g. "kode"
    codes: tuple[str, ...]

    @property
    def featureidkey(self) -> str:
        return f"properties.{self.key}"


@lru_cache(maxsize=4)
def read_boundaries(path: str | Path) -> Boundaries:
    """Kelurahan polygons from a GeoJSON FeatureCollection. The kelurahan code property is
    found by its values: the first property (`kode` preferred) whose every value is one of
    the 37 Kepmendagri codes above. Raises BoundaryError naming the problem and the fix."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError(f"geo.boundaries: cannot read {path} as GeoJSON ({exc}); "
                            "point it at a kelurahan FeatureCollection or set it to null") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not features or not all(isinstance(f, dict) and isinstance(f.get("properties"), dict)
                               and isinstance(f.get("geometry"), dict)
                               and f["geometry"].get("type") in ("Polygon", "MultiPolygon") for f in features):
        raise BoundaryError(f"geo.boundaries: {path} is not a FeatureCollection of (Multi)Polygon features "
                            "with properties; export the kelurahan layer as GeoJSON")
    names = list(features[0]["properties"])
    names.sort(key=lambda n: n != "kode")
    for name in names:
        codes = [f["properties"].get(name) for f in features]
        if all(isinstance(c, str) and c in KELURAHAN_BY_CODE for c in codes):
            return Boundaries(data, name, tuple(codes))
    raise BoundaryError(f"geo.boundaries: no property of the features in {path} holds kelurahan codes like "
                        f"{KELURAHAN[0].code}; add one (e.g. 'kode') to every feature")
