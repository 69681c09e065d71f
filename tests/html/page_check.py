#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""What a person checks on a rendered report page, asserted on the DOM
chromium dumped and on its screenshot (tests/html/run.sh).

  page_check.py rogue|long DOM PNG|- EXPECT_ENV
  page_check.py lab DOM PNG|- REPORT_JSON   (a lab trace: `report -j` of it)

Prints one line per assertion, "PASS  name" or "FAIL  name: why"; no PNG
("-") leaves the pixel checks out. Colours are the renderer's
(src/render/report_svg.h)."""
import struct
import sys
import zlib
from html.parser import HTMLParser

HOST = (0x2c, 0xa0, 0x2c)
STUB = (0xff, 0x7f, 0x0e)
NONE = (0xc7, 0xc7, 0xc7)
HIGH = (0xe3, 0x1a, 0x1c)
STUBS = ("vfio-pci", "pci-stub", "pci_stub")
PAGE_X = 16          # body padding: where each SVG starts on the page

results = []


def check(name, ok, why=""):
    results.append(("PASS  %s" % name) if ok else ("FAIL  %s: %s" % (name, why)))
    return ok


class Page(HTMLParser):
    """Panels, their lanes and bars, finding markers, ids, every tag."""

    def __init__(self):
        super().__init__()
        self.panels, self.ids, self.tags = [], set(), {}
        self.lane = None
        self.text = ""

    def handle_data(self, data):
        self.text += data

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "svg" and "panel" in cls:
            self.panels.append({"id": a["id"], "t0": int(a["data-t0"]), "t1": int(a["data-t1"]),
                                "x": int(a["data-plot-x"]), "w": int(a["data-plot-w"]),
                                "lanes": [], "findings": [], "segs": [], "returns": 0, "stops": 0})
        elif tag == "g" and "lane" in cls:
            self.lane = {"bdf": a["data-bdf"], "bar_y": int(a["data-bar-y"]), "bar_h": int(a["data-bar-h"])}
            self.panels[-1]["lanes"].append(self.lane)
        elif tag == "rect" and "seg" in cls:
            self.panels[-1]["segs"].append({"bdf": self.lane["bdf"], "state": cls[1],
                                            "from": int(a["data-from"]), "x": float(a["x"])})
        elif tag == "a" and "finding" in cls:
            self.panels[-1]["findings"].append({"sev": cls[1], "href": a["href"]})
        elif tag == "g" and "return" in cls:
            self.panels[-1]["returns"] += 1
        elif tag == "g" and "stop" in cls:
            self.panels[-1]["stops"] += 1


def png_read(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "PNG not 8-bit RGB(A)"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += n + 12
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(Row(line, bpp))
        prev = line
    return w, h, rows


class Row:
    """A decoded row; pixels made only when looked at."""

    def __init__(self, line, bpp):
        self.line, self.bpp = line, bpp

    def __getitem__(self, x):
        return tuple(self.line[x * self.bpp:x * self.bpp + 3])


def near(px, colour, tol=24):
    return all(abs(p - c) <= tol for p, c in zip(px, colour))


def x_at(panel, ns):
    return panel["x"] + (ns - panel["t0"]) / (panel["t1"] - panel["t0"]) * panel["w"]


def stop_panel(page, stop_ns):
    for p in page.panels[1:]:
        if p["t0"] < stop_ns < p["t1"]:
            return p
    return None


def bands(rows, x, a, b):
    """Runs of consecutive rows whose pixel at X is A and at X+.. is B."""
    found, start = [], None
    for y, row in enumerate(rows + [None]):
        ok = row is not None and near(row[int(x[0])], a) and near(row[int(x[1])], b)
        if ok and start is None:
            start = y
        elif not ok and start is not None:
            found.append((start, y - start))
            start = None
    return found


def rogue(page, png, env):
    gpu, audio, rebind = env["ROGUE_GPU"], env["ROGUE_AUDIO"], int(env["ROGUE_REBIND_NS"])
    check("a lane per function (overview)",
          [l["bdf"] for l in page.panels[0]["lanes"]] == [gpu, audio], str(page.panels[0]["lanes"]))
    p = stop_panel(page, int(env["ROGUE_STOP_NS"]))
    if not check("the stop has a zoomed panel", p is not None, "no panel around the stop"):
        return
    check("a lane per function (stop panel)", [l["bdf"] for l in p["lanes"]] == [gpu, audio], str(p["lanes"]))
    seg = [s for s in p["segs"] if s["bdf"] == gpu and s["from"] == rebind]
    check("the GPU's vfio-pci bar starts at the rebind",
          len(seg) == 1 and seg[0]["state"] == "stub" and abs(seg[0]["x"] - x_at(p, rebind)) < 0.2, str(seg))
    check("the finding is pinned in the stop panel and linked",
          any(f["sev"] == "HIGH" and f["href"] == "#finding-1" for f in p["findings"])
          and "finding-1" in page.ids, str(p["findings"]))
    check("both returns and the stop are marked", p["returns"] == 2 and p["stops"] == 1,
          "returns %d stops %d" % (p["returns"], p["stops"]))
    check("markup in the trace stayed text", not page.tags.get("script") and not page.tags.get("img")
          and "<b>x&amp;[6000]" in page.text and "<script>alert(1)</script>" in page.text,
          "tags %s" % page.tags)
    if png is None:
        return
    w, h, rows = png
    x = PAGE_X + x_at(p, rebind)
    found = [b for b in bands(rows, (x - 12, x + 12), HOST, STUB) if b[1] >= 12]
    if not check("on screen: host green turns vfio orange at the rebind's x (%.0f px)" % x,
                 len(found) == 1 and 14 <= found[0][1] <= 20, "bands %s" % found):
        return
    top, height = found[0]
    lane = next(l for l in p["lanes"] if l["bdf"] == gpu)
    svg_top = top - lane["bar_y"]
    mid = top + height // 2
    check("on screen: green only before, orange only after",
          all(near(rows[mid][int(x - d)], HOST) for d in range(12, 60))
          and all(near(rows[mid][int(x + d)], STUB) for d in range(12, 60)), "row %d" % mid)
    check("on screen: the finding's marker at the rebind", any(near(rows[mid][int(x) + d], HIGH) for d in (-1, 0, 1)),
          str(rows[mid][int(x)]))
    al = next(l for l in p["lanes"] if l["bdf"] == audio)
    ay = svg_top + al["bar_y"] + al["bar_h"] // 2
    check("on screen: the audio lane under it, on vfio-pci then returned",
          0 <= ay < h and near(rows[ay][int(PAGE_X + p["x"] + 3)], STUB) and near(rows[ay][int(x + 12)], HOST),
          "row %d" % ay)


def longrun(page, png, env, size):
    stop = int(env["LONG_STOP_NS"])
    check("100k events: the page stays small (%d bytes)" % size, size < 1 << 20, "%d bytes" % size)
    n = sum(page.tags.values())
    check("100k events: few elements (%d)" % n, n < 20000, str(n))
    check("the timeline folds the monitor's writes far from any move",
          "events more, none within" in page.text, "no folded row")
    p = stop_panel(page, stop)
    if not check("the stop has a zoomed panel", p is not None, "no panel around the stop"):
        return
    span = (p["t1"] - p["t0"]) / 1e9
    check("the zoomed panel spans seconds, not hours (%.1f s)" % span, 2 < span < 30, "%.1f s" % span)
    ret = [s for s in p["segs"] if s["bdf"] == env["ROGUE_GPU"] and s["state"] == "host" and s["from"] > stop]
    check("the return stands apart from the stop on screen",
          len(ret) == 1 and ret[0]["x"] - x_at(p, stop) > 50, str(ret))
    if png is not None:
        w, h, rows = png
        x = PAGE_X + ret[0]["x"] if ret else 0
        check("on screen: orange turns green at the return",
              bool(ret) and any(b[1] >= 12 for b in bands(rows, (x - 6, x + 50), STUB, HOST)), "x %.0f" % x)


def lab(page, png, report):
    """What the JSON report says, the page must show: a lane per VM device,
    a zoomed panel per stop, each finding pinned in a panel."""
    import json
    rep = json.load(open(report))
    lanes = {l["bdf"] for l in page.panels[0]["lanes"]}
    devs = {d for vm in rep["vms"] for d in vm["devices"]}
    check("a lane per VM device", devs <= lanes, "missing %s" % (devs - lanes))
    stops = [vm["stop_ns"] for vm in rep["vms"] if vm["stop_ns"]]
    check("a zoomed panel per stop", all(stop_panel(page, t) for t in stops), "stops %s" % stops)
    pinned = [f for f in rep["findings"] if f["device"] in lanes and f["time_ns"]]
    hrefs = {x["href"] for p in page.panels for x in p["findings"]}
    check("each finding on a device is pinned and linked",
          all("#finding-%d" % (rep["findings"].index(f) + 1) in hrefs for f in pinned), "pins %s" % hrefs)
    for f in pinned:
        if f["kind"] != "rebind_after_return":
            continue
        want = "none" if not f["driver_to"] else "stub" if f["driver_to"] in STUBS else "host"
        p = next((p for p in page.panels[1:] if p["t0"] < f["time_ns"] < p["t1"]), None)
        seg = [s for s in p["segs"] if s["bdf"] == f["device"] and s["from"] == f["time_ns"]] if p else []
        check("the rebind of %s starts a '%s' bar at its time" % (f["device"], want),
              len(seg) == 1 and seg[0]["state"] == want, str(seg))


def main():
    what, dom, png_path, env_path = sys.argv[1:5]
    env = {} if what == "lab" else dict(l.strip().split("=", 1) for l in open(env_path) if "=" in l)
    text = open(dom, encoding="utf-8").read()
    page = Page()
    page.feed(text)
    png = None
    if png_path != "-":
        try:
            png = png_read(png_path)
        except Exception as e:  # a screenshot we cannot read fails the pixel checks
            check("screenshot readable", False, str(e))
    # the overview, and a stop panel where the trace has a stop (lab: maybe none)
    if not check("panels found", len(page.panels) >= (1 if what == "lab" else 2), "%d panels" % len(page.panels)):
        print("\n".join(results))
        return
    if what == "lab":
        lab(page, png, env_path)
    elif what == "rogue":
        rogue(page, png, env)
    else:
        longrun(page, png, env, len(text.encode()))
    print("\n".join(results))


main()
