#!/usr/bin/python3
"""Helper of scripts/check-observability.sh (Python 3 standard library only).

Subcommands:
  free-port                        print a free TCP port of 127.0.0.1
  wait-http URL SECONDS [PID]      wait until GET URL answers 200 (fails early if PID dies)
  prom-value PROM_URL QUERY        print the first value of an instant query, or nothing
  static DASHBOARD DATASOURCES     check the dashboard JSON's structure
  samples DIR                      write the side-traffic JSON lines files into DIR
  alert-firing PROM_URL ALERT MODELS SECONDS
      wait until Prometheus (/api/v1/alerts) has ALERT firing for each of the comma-separated
      MODELS, and for no other model; a model written NAME? may fire or not
  check PROM_URL APP_URL DASHBOARD MODELS
      run every dashboard expression (variables substituted, each model of the comma-separated
      MODELS tried: it must return series, with a finite value, for at least one), every
      template-variable query and every loaded alert rule against a live Prometheus; check the
      scrape target's health and the weight image. Exit 1 on any failure.
"""

import json
import random
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import zlib

from script_support import free_port, http_get, wait_http

RANGE = "30s"
METRIC_NAME = re.compile(r"\b((?:mlp|kafka|jvm|process|system)_[a-z0-9_]+)\b")


def prom_query(prom, query):
    """Instant query; returns (result list, error string or None)."""
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": query})
    try:
        body = json.loads(http_get(url, timeout=30)[2])
    except urllib.error.HTTPError as e:
        try:
            body = json.loads(e.read())
        except ValueError:
            return [], f"HTTP {e.code}"
    except (urllib.error.URLError, OSError, ValueError) as e:
        return [], str(e)
    if body.get("status") != "success":
        return [], f"{body.get('errorType')}: {body.get('error')}"
    data = body["data"]
    if data["resultType"] in ("scalar", "string"):
        return [data["result"]], None
    return data["result"], None


def is_finite(r):
    """An instant-vector element (or scalar) with a finite value."""
    value = r["value"][1] if isinstance(r, dict) else r[1]
    return value.lower() not in ("nan", "+inf", "-inf", "inf")


def prom_value(prom, query):
    result, err = prom_query(prom, query)
    if err or not result:
        return ""
    r = result[0]
    return str(r["value"][1] if isinstance(r, dict) else r[1])


# ---------------------------------------------------------------- dashboard


def all_panels(dashboard):
    """Every panel, including those nested in collapsed rows."""
    for p in dashboard.get("panels", []):
        yield p
        for q in p.get("panels", []) or []:
            yield q


def dashboard_exprs(dashboard):
    for p in all_panels(dashboard):
        for t in p.get("targets", []) or []:
            if t.get("expr"):
                yield p.get("title", "?"), t.get("refId", "?"), t["expr"]


def substitute(expr, model):
    out = expr
    for name in ("$__rate_interval", "${__rate_interval}", "$__interval", "${__interval}",
                 "$__range", "${__range}"):
        out = out.replace(name, RANGE)
    out = re.sub(r"\$\{?model\}?", model, out)
    # Multi-value variables (layer, grad_layer) are used with =~ : "All" is any value.
    out = re.sub(r"\$\{?(layer|grad_layer)\}?", ".+", out)
    if re.search(r"\$\{?[A-Za-z_]", out):
        raise ValueError(f"unknown variable left in {out!r}")
    return out


def static(dashboard_path, datasource_path):
    errors = []
    dashboard = json.load(open(dashboard_path))
    ds_uids = set(re.findall(r"^\s*uid:\s*['\"]?([A-Za-z0-9_-]+)", open(datasource_path).read(),
                             re.M))
    ids = [p.get("id") for p in all_panels(dashboard)]
    if len(ids) != len(set(ids)):
        errors.append(f"duplicate panel ids: {sorted(i for i in ids if ids.count(i) > 1)}")
    var_names = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
    if "model" not in var_names:
        errors.append("no templating variable `model`")
    for p in all_panels(dashboard):
        title = p.get("title", "?")
        if "gridPos" not in p:
            errors.append(f"panel {title!r}: no gridPos")
        if p.get("type") in ("row", "text"):
            continue
        uids = [p.get("datasource", {}).get("uid")] + [
            t.get("datasource", {}).get("uid") for t in p.get("targets", [])]
        for uid in uids:
            if uid not in ds_uids:
                errors.append(f"panel {title!r}: datasource uid {uid!r} not provisioned {ds_uids}")
        if not p.get("targets"):
            errors.append(f"panel {title!r}: no targets")
        if p.get("type") == "heatmap":
            for t in p["targets"]:
                if t.get("format") != "heatmap" or "_bucket" not in t["expr"]:
                    errors.append(f"panel {title!r}: heatmap target not a bucket query in format heatmap")
        if p.get("repeat") and p["repeat"] not in var_names:
            errors.append(f"panel {title!r}: repeats over unknown variable {p['repeat']!r}")
    for title, ref, expr in dashboard_exprs(dashboard):
        try:
            substitute(expr, "default")
        except ValueError as e:
            errors.append(f"panel {title!r} {ref}: {e}")
    n = sum(1 for _ in dashboard_exprs(dashboard))
    for e in errors:
        print("FAIL " + e)
    print(f"dashboard: {len(ids)} panels, {n} expressions, variables {sorted(var_names)}")
    return 1 if errors else 0


# ---------------------------------------------------------------- side traffic


def samples(directory):
    """Side traffic the demo does not make: prediction requests, refused records, and labeled
    records of a second, tanh model (so that the saturation ratio exists)."""
    rng = random.Random(7)

    def vec(n):
        return [round(rng.gauss(0, 1), 4) for _ in range(n)]

    with open(f"{directory}/tanh.jsonl", "w") as f:
        centres = [vec(16) for _ in range(4)]
        for i in range(4000):
            label = i % 4
            x = [round(c + rng.gauss(0, 0.7), 4) for c in centres[label]]
            f.write(json.dumps({"model": "tanh", "features": x, "label": label}) + "\n")
    # 400 of the same points for each of two models whose learning rates explode
    # (check-observability.sh), in the same file, so that the feed starts no extra producer.
    with open(f"{directory}/tanh.jsonl") as f:
        first = f.readlines()[:400]
    with open(f"{directory}/tanh.jsonl", "a") as f:
        for model in ("exploding", "overflowing"):
            f.writelines(line.replace('"model": "tanh"', f'"model": "{model}"') for line in first)
    with open(f"{directory}/requests.jsonl", "w") as f:
        for _ in range(150):
            f.write(json.dumps({"features": [round(rng.random(), 3) for _ in range(784)]}) + "\n")
        for _ in range(50):
            f.write(json.dumps({"model": "tanh", "features": vec(16)}) + "\n")
        # Refused: not JSON, wrong feature count, label out of range, unknown model.
        for _ in range(5):
            f.write("this is not json\n")
            f.write(json.dumps({"features": [1.0, 2.0], "label": 3}) + "\n")
            f.write(json.dumps({"model": "tanh", "features": vec(16), "label": 42}) + "\n")
            f.write(json.dumps({"model": "no-such-model", "features": [1.0], "label": 0}) + "\n")
    return 0


# ---------------------------------------------------------------- weight image


def check_png(data):
    """Decodes a PNG far enough to prove it is whole: signature, chunk CRCs, IHDR, IDAT inflating
    to exactly the size IHDR announces. Returns (width, height) or raises ValueError."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG (bad signature)")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + chunk) != crc:
            raise ValueError(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
        pos += 12 + length
    if ihdr is None:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    if interlace:
        return width, height  # Adam7: size check skipped
    expected = height * (1 + (width * channels * depth + 7) // 8)
    raw = zlib.decompress(idat)
    if len(raw) != expected:
        raise ValueError(f"pixel data {len(raw)} bytes, IHDR {width}x{height} needs {expected}")
    return width, height


# ---------------------------------------------------------------- live check


def check(prom, app, dashboard_path, models):
    models = [m for m in models.split(",") if m]
    dashboard = json.load(open(dashboard_path))
    failures, names = [], set()

    # 1. The scrape target.
    body = json.loads(http_get(prom + "/api/v1/targets")[2])
    targets = [t for t in body["data"]["activeTargets"] if t["labels"].get("job") == "kafka-mlp"]
    if not targets:
        failures.append("target: no active target of job kafka-mlp")
    for t in targets:
        if t["health"] != "up" or t.get("lastError"):
            failures.append(f"target {t['scrapeUrl']}: health {t['health']}, {t.get('lastError')}")
    n_series = prom_value(prom, 'scrape_samples_scraped{job="kafka-mlp"}')
    print(f"target kafka-mlp: {len(targets)} up, {n_series} samples per scrape")

    # 2. Every dashboard expression: non-empty for at least one model.
    exprs = list(dashboard_exprs(dashboard))
    ok = 0
    for title, ref, expr in exprs:
        names.update(METRIC_NAME.findall(expr))
        answered, errors, finite_any = [], [], False
        for model in models:
            query = substitute(expr, model)
            result, err = prom_query(prom, query)
            if err:
                errors.append(f"{model}: {err}")
            elif result:
                finite = sum(1 for r in result if is_finite(r))
                answered.append(f"{model}:{len(result)}" + ("" if finite == len(result)
                                                             else f"({finite} finite)"))
                finite_any = finite_any or finite > 0
        if errors:
            failures.append(f"panel {title!r} {ref}: ERROR {'; '.join(errors)} in {expr}")
            print(f"ERROR  {title} [{ref}] {expr}")
        elif not answered:
            failures.append(f"panel {title!r} {ref}: EMPTY for models {models}: {expr}")
            print(f"EMPTY  {title} [{ref}] {expr}")
        elif not finite_any:
            failures.append(f"panel {title!r} {ref}: only NaN/Inf values for models {models}: {expr}")
            print(f"NAN    {title} [{ref}] series {' '.join(answered)}")
        else:
            ok += 1
            print(f"ok     {title} [{ref}] series {' '.join(answered)}")
    print(f"dashboard: {ok} of {len(exprs)} expressions return series with finite values")

    # 3. Template variables: label_values(selector, label) must list values.
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", q)
        if not m:
            failures.append(f"variable {v['name']}: unsupported query {q}")
            continue
        names.update(METRIC_NAME.findall(m.group(1)))
        values = set()
        for model in models:
            result, err = prom_query(prom, f"count by ({m.group(2)}) ({substitute(m.group(1), model)})")
            values.update(r["metric"].get(m.group(2), "") for r in result)
        if v["name"] == "model":
            missing = [mm for mm in models if mm not in values]
            if missing:
                failures.append(f"variable model: {q} lacks {missing} (has {sorted(values)})")
        if not values:
            failures.append(f"variable {v['name']}: {q} lists no values")
        print(f"variable {v['name']}: {sorted(values)}")

    # 4. Alert rules, as loaded by this Prometheus: evaluated without error, and every metric
    # they use exists (the alerts themselves are expected not to fire).
    body = json.loads(http_get(prom + "/api/v1/rules")[2])
    rules = [r for g in body["data"]["groups"] for r in g["rules"]]
    if not rules:
        failures.append("alerts: no rule loaded")
    for r in rules:
        if r.get("health") != "ok":
            failures.append(f"alert {r['name']}: health {r.get('health')}: {r.get('lastError')}")
        used = set(METRIC_NAME.findall(r["query"]))
        names.update(used)
        missing = [n for n in sorted(used) if not prom_query(prom, f"count({n})")[0]]
        if missing:
            failures.append(f"alert {r['name']}: no series for {', '.join(missing)} in {r['query']}")
        print(f"alert {r['name']}: health {r.get('health')}, state {r.get('state')}, "
              f"metrics {sorted(used)}{' MISSING ' + str(missing) if missing else ''}")

    # 5. The weight image the dashboard's text panel shows.
    images = 0
    for p in all_panels(dashboard):
        content = p.get("options", {}).get("content", "") if p.get("type") == "text" else ""
        for src in re.findall(r'<img[^>]*\bsrc="([^"]+)"', content):
            images += 1
            url = (src.replace("${weights_url}", app).replace("$weights_url", app)
                   .replace("${__to}", str(int(time.time() * 1000))))
            url = re.sub(r"\$\{?model\}?", models[0], url)
            try:
                status, ctype, data = http_get(url)
                w, h = check_png(data)
                print(f"image {url}: {ctype}, {w}x{h}, {len(data)} bytes")
                if not ctype.startswith("image/png"):
                    failures.append(f"image {url}: Content-Type {ctype!r}")
            except (urllib.error.URLError, OSError, ValueError) as e:
                failures.append(f"image {url}: {e}")
    if images == 0:
        failures.append("dashboard: no <img> weight panel")

    # 6. The metric names, for the record.
    exists = {n: bool(prom_query(prom, f"count({{__name__=~\"{n}\"}})")[0]) for n in sorted(names)}
    print(f"metric names used: {len(names)}; without series: "
          f"{[n for n, e in exists.items() if not e] or 'none'}")

    print(f"checked {len(exprs)} dashboard expressions x models {models}, "
          f"{sum(1 for v in dashboard['templating']['list'] if v.get('type') == 'query')} variables, "
          f"{len(rules)} alert rules, {images} image(s)")
    if failures:
        print(f"\n{len(failures)} FAILURE(S):")
        for f in failures:
            print("  " + f)
        return 1
    print("all observability checks passed")
    return 0


def alert_firing(prom, alert, models, seconds):
    """Waits until ALERT is firing for each of MODELS (comma-separated; NAME? may fire or not);
    fails if it never is, or if it fires for another model."""
    expected = sorted(m for m in models.split(",") if not m.endswith("?"))
    allowed = set(expected) | {m[:-1] for m in models.split(",") if m.endswith("?")}
    deadline = time.time() + float(seconds)
    while True:
        body = json.loads(http_get(prom + "/api/v1/alerts")[2])
        alerts = [a for a in body["data"]["alerts"] if a["labels"].get("alertname") == alert]
        firing = sorted({a["labels"].get("model", "?") for a in alerts if a["state"] == "firing"})
        others = [m for m in firing if m not in allowed]
        if others:
            print(f"FAIL alert {alert} firing for {others}, expected only {expected}")
            return 1
        if set(expected) <= set(firing):
            for a in alerts:
                print(f"alert {alert}: firing for {a['labels'].get('model')} (since "
                      f"{a.get('activeAt')}, value {a.get('value')}, "
                      f"{a['annotations'].get('summary')})")
            return 0
        if time.time() > deadline:
            states = {a["labels"].get("model", "?"): a["state"] for a in alerts}
            print(f"FAIL alert {alert} not firing for all of {expected} within {seconds} s "
                  f"(states {states})")
            return 1
        time.sleep(1)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "free-port":
        print(free_port())
        return 0
    if cmd == "wait-http":
        return wait_http(*argv[2:5])
    if cmd == "prom-value":
        print(prom_value(argv[2], argv[3]))
        return 0
    if cmd == "static":
        return static(argv[2], argv[3])
    if cmd == "samples":
        return samples(argv[2])
    if cmd == "alert-firing":
        return alert_firing(*argv[2:6])
    if cmd == "check":
        return check(*argv[2:6])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
