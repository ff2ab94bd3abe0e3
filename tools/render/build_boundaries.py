#!/usr/bin/env python3
"""Writes the boundaries vjt draws its maps from, compactly, into crates/render/data/.

Run from the repository root:  python3 tools/render/build_boundaries.py [--shared ../shared/data]

- kenya_counties.json: the 47 county outlines from kenya_counties_licensed.geojson (OpenStreetMap contributors,
  ODbL 1.0), coordinates rounded to 0.001 degree (about 100 m). This file is a Derivative Database under ODbL 1.0:
  it is shipped in this machine-readable form, under the same licence.
- world.json: country outlines from Natural Earth 1:110m (public domain), rounded to 0.01 degree.
Standard library only; deterministic.
"""
import argparse, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "crates", "render", "data")


def rings(geometry):
    if geometry is None:
        return []
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [poly[0] for poly in polys]  # outer rings only: holes are invisible at report scale


def rounded(ring, step):
    out = []
    for lon, lat in ring:
        p = [round(lon / step) * step, round(lat / step) * step]
        p = [float(f"{p[0]:.3f}"), float(f"{p[1]:.3f}")]
        if not out or out[-1] != p:
            out.append(p)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    args = ap.parse_args()
    counties = json.load(open(os.path.join(args.shared, "kenya_counties_licensed.geojson"), encoding="utf-8"))
    out = []
    for f in sorted(counties["features"], key=lambda f: f["properties"]["county_code"]):
        p = f["properties"]
        out.append({"iso": p["iso_3166_2"], "number": p["county_code"], "name": p["name"],
                    "rings": [rounded(r, 0.001) for r in rings(f["geometry"])]})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "kenya_counties.json"), "w", encoding="utf-8") as fh:
        json.dump({"licence": "ODbL 1.0; (c) OpenStreetMap contributors; compiled by Mike Ondieki (MIT)", "counties": out},
                  fh, separators=(",", ":"))
    world = json.load(open(os.path.join(args.shared, "ne_110m_admin_0_countries.geojson"), encoding="utf-8"))
    out = []
    for f in world["features"]:
        p = f["properties"]
        iso = p.get("ISO_A2_EH") if p.get("ISO_A2_EH") not in (None, "-99") else p.get("ISO_A2")
        out.append({"iso2": iso if iso not in (None, "-99") else "", "name": p["NAME"],
                    "rings": [rounded(r, 0.01) for r in rings(f["geometry"])]})
    out.sort(key=lambda c: (c["iso2"], c["name"]))
    with open(os.path.join(OUT, "world.json"), "w", encoding="utf-8") as fh:
        json.dump({"licence": "Natural Earth, public domain", "countries": out}, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
