#!/usr/bin/env python3
"""Builds vjt's embedded gazetteer (crates/gazetteer/data/places.tsv) from openly licensed sources.

Run from the repository root:  python3 tools/gazetteer/build.py [--shared ../shared/data]

Inputs (all openly licensed; see crates/gazetteer/data/ATTRIBUTION.md):
  - kenya_counties_licensed.geojson  (OpenStreetMap contributors, ODbL 1.0): the 47 counties, both codes,
    polygons used to place every Kenyan point in its county (GeoNames' admin1 codes are stale for some places)
  - kenya_counties_subcounties_list.json  (Mike Ondieki, MIT): sub-county names per county
  - kenya_gazetteer_geonames.csv / geonames_KE.txt  (GeoNames, CC BY 4.0): towns, trading centres, neighbourhoods
  - kenya_exit_points_curated.csv  (GeoNames coordinates, CC BY 4.0): border crossings, seaports, airports
  - ne_50m_admin_0_countries.geojson  (Natural Earth, public domain): countries, ISO codes, UN regions
  - the curated CSV files beside this script (written for vjt): world regions, Kiswahili country names and
    aliases, foreign cities on known routes, a few Kenyan places GeoNames lacks, common Kenyan abbreviations.
CTDC's country lookup is not used: its terms of use are not an open licence.
Standard library only; deterministic output.
"""

import argparse
import csv
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "crates", "gazetteer", "data")

# Former provinces by First Schedule county number (ranges are contiguous in the Constitution).
PROVINCES = [
    ("coast", "Coast", "Pwani", range(1, 7)),
    ("north-eastern", "North Eastern", "Kaskazini Mashariki", range(7, 10)),
    ("eastern", "Eastern", "Mashariki", range(10, 18)),
    ("central", "Central", "Kati", range(18, 23)),
    ("rift-valley", "Rift Valley", "Bonde la Ufa", range(23, 37)),
    ("western", "Western", "Magharibi", range(37, 41)),
    ("nyanza", "Nyanza", "Nyanza", range(41, 47)),
    ("nairobi", "Nairobi", "Nairobi", range(47, 48)),
]

# Natural Earth leaves ISO_A2 as -99 for a few countries; their ISO_A3 tells which.
ISO3_TO_2_FIX = {"FRA": "FR", "NOR": "NO"}

# UN sub-region names as Natural Earth spells them -> vjt region ids.
SUBREGION_IDS = {
    "Eastern Africa": "region:eastern-africa", "Middle Africa": "region:middle-africa",
    "Northern Africa": "region:northern-africa", "Southern Africa": "region:southern-africa",
    "Western Africa": "region:western-africa", "Western Asia": "region:western-asia",
    "Central Asia": "region:central-asia", "Southern Asia": "region:southern-asia",
    "Eastern Asia": "region:eastern-asia", "South-Eastern Asia": "region:south-eastern-asia",
    "Northern Europe": "region:northern-europe", "Western Europe": "region:western-europe",
    "Southern Europe": "region:southern-europe", "Eastern Europe": "region:eastern-europe",
    "Northern America": "region:northern-america", "Caribbean": "region:latin-america",
    "Central America": "region:latin-america", "South America": "region:latin-america",
    "Australia and New Zealand": "region:australia-nz", "Melanesia": "region:melanesia",
    "Micronesia": "region:micronesia", "Polynesia": "region:polynesia",
}
REGION_IDS = {"Africa": "region:africa", "Americas": "region:americas", "Asia": "region:asia",
              "Europe": "region:europe", "Oceania": "region:oceania"}

EXIT_KINDS = {"land_border": "border_crossing", "lake_port": "border_crossing", "sea_border": "border_crossing",
              "seaport": "seaport", "airport": "airport"}


def slug(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def clean_field(text):
    return (text or "").replace("\t", " ").replace("\n", " ").strip()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rings(geometry):
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def inside_ring(lon, lat, ring):
    hit = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def inside(lon, lat, polygons):
    for poly in polygons:
        if inside_ring(lon, lat, poly[0]) and not any(inside_ring(lon, lat, hole) for hole in poly[1:]):
            return True
    return False


def centroid(polygons):
    """Area-weighted centroid of the outer rings (good enough for a label or a map symbol)."""
    area_sum = cx = cy = 0.0
    for poly in polygons:
        ring = poly[0]
        for i in range(len(ring) - 1):
            x0, y0 = ring[i][0], ring[i][1]
            x1, y1 = ring[i + 1][0], ring[i + 1][1]
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(area_sum) < 1e-12:
        ring = polygons[0][0]
        return sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)
    return cy / (3 * area_sum), cx / (3 * area_sum)


def bbox(polygons):
    xs = [p[0] for poly in polygons for p in poly[0]]
    ys = [p[1] for poly in polygons for p in poly[0]]
    return min(xs), min(ys), max(xs), max(ys)


class Places:
    def __init__(self):
        self.rows = []
        self.ids = set()

    def add(self, pid, kind, name, name_sw="", aliases=(), parent="", lat=None, lon=None, population=0, codes=""):
        if pid in self.ids:
            raise SystemExit(f"duplicate place id {pid}")
        self.ids.add(pid)
        seen = set()
        alias_list = []
        for a in aliases:
            a = clean_field(a)
            if a and a.lower() != name.lower() and a.lower() not in seen and "|" not in a:
                seen.add(a.lower())
                alias_list.append(a)
        self.rows.append([pid, kind, clean_field(name), clean_field(name_sw if name_sw != name else ""),
                          "|".join(alias_list), parent,
                          "" if lat is None else f"{lat:.5f}", "" if lon is None else f"{lon:.5f}",
                          str(int(population or 0)), codes])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", default=OUT, help="folder to write places.tsv into")
    args = ap.parse_args()
    data = args.shared
    if not os.path.isdir(data):
        raise SystemExit(f"no shared data folder at {data}; pass --shared PATH")
    places = Places()

    # World regions: UN regions and sub-regions, then everyday groupings with their member countries.
    for r in read_csv(os.path.join(HERE, "regions.csv")):
        codes = ("members=" + r["members"]) if r["members"] else ""
        places.add(r["id"], "world_region", r["name"], r["name_sw"], r["aliases"].split("|"), r["parent"], codes=codes)

    # Countries from Natural Earth 1:50m.
    extra = {r["iso2"]: r for r in read_csv(os.path.join(HERE, "countries_extra.csv"))}
    ne = json.load(open(os.path.join(data, "ne_50m_admin_0_countries.geojson"), encoding="utf-8"))
    countries = {}
    for feat in ne["features"]:
        p = feat["properties"]
        iso2 = p.get("ISO_A2")
        iso3 = next((p.get(k) for k in ("ISO_A3", "ISO_A3_EH", "ADM0_A3") if p.get(k) not in (None, "-99")), None)
        if iso2 in (None, "-99"):
            iso2 = ISO3_TO_2_FIX.get(iso3)
        if not iso2 or iso2 in countries:
            continue  # Somaliland, N. Cyprus and the like: no ISO code of their own.
        polys = rings(feat["geometry"])
        lat, lon = centroid(polys) if polys else (None, None)
        if polys:
            # The largest part's centroid: France's centroid should not fall in the Atlantic.
            biggest = max(polys, key=lambda poly: abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(poly[0], poly[0][1:]))))
            lat, lon = centroid([biggest])
        parent = SUBREGION_IDS.get(p.get("SUBREGION"), REGION_IDS.get(p.get("REGION_UN"), ""))
        names = {p.get("NAME"), p.get("NAME_LONG"), p.get("ADMIN"), p.get("FORMAL_EN"), p.get("NAME_SORT"), iso3}
        x = extra.get(iso2, {})
        aliases = sorted(n for n in names if n and n != p["NAME"]) + (x.get("aliases", "").split("|") if x else [])
        countries[iso2] = p["NAME"]
        places.add(f"country:{iso2}", "country", p["NAME"], x.get("name_sw", ""), aliases, parent, lat, lon,
                   p.get("POP_EST") or 0, f"{iso2};{iso3}")

    # Kenya's counties from the OSM boundaries, both codes, and the former provinces above them.
    counties_geo = json.load(open(os.path.join(data, "kenya_counties_licensed.geojson"), encoding="utf-8"))
    province_of = {}
    for pid, name, name_sw, numbers in PROVINCES:
        rows = [f for f in counties_geo["features"] if f["properties"]["county_code"] in numbers]
        pts = [centroid(rings(f["geometry"])) for f in rows]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        places.add(f"ke:province:{pid}", "province", name, name_sw, [f"{name} province", f"{name} region", f"Mkoa wa {name_sw}"],
                   "country:KE", lat, lon)
        for n in numbers:
            province_of[n] = f"ke:province:{pid}"
    gn_adm1 = {}
    for r in read_csv(os.path.join(data, "kenya_geonames_admin1_lookup.csv")):
        gn_adm1[int(r["county_code_official"])] = r["county_name_geonames"]
    county_polys = []
    county_ids = {}
    for f in sorted(counties_geo["features"], key=lambda f: f["properties"]["county_code"]):
        p = f["properties"]
        polys = rings(f["geometry"])
        lat, lon = centroid(polys)
        cid = f"ke:county:{slug(p['name'])}"
        county_ids[p["county_code"]] = cid
        county_polys.append((cid, polys, bbox(polys)))
        aliases = [p.get("osm_name", ""), gn_adm1.get(p["county_code"], ""), f"{p['name']} County", f"Kaunti ya {p['name']}"]
        places.add(cid, "county", p["name"], "", aliases, province_of[p["county_code"]], lat, lon, 0,
                   f"{p['iso_3166_2']};{p['county_code']}")

    def county_at(lat, lon):
        for cid, polys, (x0, y0, x1, y1) in county_polys:
            if x0 <= lon <= x1 and y0 <= lat <= y1 and inside(lon, lat, polys):
                return cid
        return None

    # Border crossings, seaports and airports, linked to the neighbouring country.
    exit_ids = {}
    for r in read_csv(os.path.join(data, "kenya_exit_points_curated.csv")):
        lat, lon = float(r["latitude"]), float(r["longitude"])
        county = county_at(lat, lon) or next((county_ids[n] for n, c in county_ids.items()
                                              if r["county_name"] and slug(r["county_name"]) in c), "country:KE")
        kind = EXIT_KINDS[r["point_type"]]
        name, aliases = r["geonames_name"], []
        if kind == "border_crossing":
            # The everyday name from the note ("Lunga Lunga", not GeoNames' "Lunga-Lunga Location").
            labels = [x.strip() for x in r["note"].split(" (")[0].split(";")[0].split(" / ")]
            name, aliases = labels[0], labels[1:] + [r["geonames_name"]]
            aliases += [f"{name} border", f"{name} border point", f"{name} border post", f"Mpaka wa {name}"]
        pid = f"ke:crossing:{slug(name)}"
        exit_ids[r["geonameid"]] = pid
        places.add(pid, kind, name, "", aliases, county, lat, lon, 0,
                   f"neighbour={r['neighbour_iso2']}" if r["neighbour_iso2"] else "")

    # Towns, trading centres and neighbourhoods from GeoNames, each placed in its county by its coordinates.
    alternates = {}
    with open(os.path.join(data, "geonames_KE.txt"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 4 and cols[3]:
                alternates[cols[0]] = cols[3]
    kinds = {"PPL": "town", "PPLA": "town", "PPLA2": "town", "PPLC": "town", "PPLL": "town", "PPLF": "town",
             "PPLX": "neighbourhood"}
    for r in read_csv(os.path.join(data, "kenya_gazetteer_geonames.csv")):
        kind = kinds.get(r["feature_code"])
        if kind is None or r["geonameid"] in exit_ids:
            continue
        lat, lon = float(r["latitude"]), float(r["longitude"])
        county = county_at(lat, lon)
        if county is None:
            continue  # Offshore or beyond the OSM county lines (e.g. the Ilemi triangle).
        pop = int(r["population"] or 0)
        aliases = []
        if pop >= 10000 or r["feature_code"] in ("PPLA", "PPLC"):
            # Alternate spellings only for the larger places: for villages they are mostly noise.
            aliases = [a for a in alternates.get(r["geonameid"], "").split(",")
                       if len(a) >= 4 and all(ord(c) < 0x250 for c in a) and not a.startswith("http")]
        if r["asciiname"] != r["name"]:
            aliases.append(r["asciiname"])
        places.add(f"gn:{r['geonameid']}", kind, r["name"], "", aliases, county, lat, lon, pop)

    # Kenyan places GeoNames lacks, written for vjt.
    for r in read_csv(os.path.join(HERE, "kenya_curated.csv")):
        lat, lon = float(r["lat"]), float(r["lon"])
        county = county_at(lat, lon) or "country:KE"
        places.add(f"ke:place:{slug(r['name'])}", r["kind"], r["name"], "", r["aliases"].split("|"), county, lat, lon)

    # Sub-counties: names per county; located at a same-named place in that county, else the county centre.
    subs = json.load(open(os.path.join(data, "kenya_counties_subcounties_list.json"), encoding="utf-8"))
    located = {}
    for row in places.rows:
        if row[1] in ("town", "neighbourhood") and row[6]:
            located.setdefault((row[5], row[2].lower()), (float(row[6]), float(row[7])))
    county_rows = {row[0]: row for row in places.rows if row[1] == "county"}
    for c in subs:
        cid = county_ids[c["code"]]
        for raw in c["sub_counties"]:
            name = " ".join(w if w.isupper() else w.capitalize() for w in raw.strip().split())
            sid = f"ke:subcounty:{cid.split(':')[-1]}:{slug(name)}"
            if sid in places.ids:
                continue
            key = name.lower()
            for suffix in (" central", " north", " south", " east", " west", " town"):
                if key.endswith(suffix) and (cid, key[: -len(suffix)]) in located:
                    key = key[: -len(suffix)]
                    break
            lat, lon = located.get((cid, key), (float(county_rows[cid][6]), float(county_rows[cid][7])))
            aliases = [f"{name} sub-county", f"{name} subcounty", f"{name} constituency"]
            places.add(sid, "sub_county", name, "", aliases, cid, lat, lon)

    # Foreign cities on known routes, written for vjt.
    for r in read_csv(os.path.join(HERE, "foreign_cities.csv")):
        if r["country"] not in countries:
            raise SystemExit(f"foreign city {r['name']}: unknown country {r['country']}")
        places.add(f"city:{r['country'].lower()}:{slug(r['name'])}", "city", r["name"], "", r["aliases"].split("|"),
                   f"country:{r['country']}", float(r["lat"]), float(r["lon"]))

    # Common Kenyan abbreviations and spellings, attached to places built above.
    by_id = {row[0]: row for row in places.rows}
    for r in read_csv(os.path.join(HERE, "kenya_aliases.csv")):
        row = by_id.get(r["target"])
        if row is None:
            raise SystemExit(f"kenya_aliases.csv names unknown place {r['target']}")
        have = set(a.lower() for a in row[4].split("|") if a) | {row[2].lower()}
        row[4] = "|".join([a for a in row[4].split("|") if a] + [a for a in r["aliases"].split("|") if a.lower() not in have])

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "places.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# vjt gazetteer, generated by tools/gazetteer/build.py; see ATTRIBUTION.md. Do not edit by hand.\n")
        f.write("id\tkind\tname\tname_sw\taliases\tparent\tlat\tlon\tpopulation\tcodes\n")
        for row in places.rows:
            f.write("\t".join(row) + "\n")
    kinds_count = {}
    for row in places.rows:
        kinds_count[row[1]] = kinds_count.get(row[1], 0) + 1
    print(f"wrote {len(places.rows)} places to {path}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds_count.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
