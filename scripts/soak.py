#!/usr/bin/python3
"""Helper of scripts/soak.sh (Python 3 with python3-confluent-kafka for `produce`).

Subcommands:
  free-port                          print a free TCP port of 127.0.0.1
  wait-http URL SECONDS PID          wait until GET URL answers 200 (fails early if PID dies)
  produce BOOTSTRAP DATA_DIR RATE REQUEST_RATE STOP_FILE STATS_FILE
      send Fashion-MNIST training images (binary sample format, keys train-<i>, looping over
      passes) at RATE records/s and unlabeled test images (keys q-<n>) at REQUEST_RATE/s to the
      samples topic until STOP_FILE exists; writes `labeled requests` counts to STATS_FILE
  sample METRICS_URL CSV INTERVAL STOP_FILE STATS_FILE
      append one row of pipeline metrics to CSV every INTERVAL seconds until STOP_FILE exists
  summary CSV RATE MAX_HEAP_MB LOAD_MINUTES
      print the summary with PASS/FAIL (throughput and lag judged over the LOAD_MINUTES of
      load, not the drain after it); exit 1 on FAIL
"""

import gzip
import math
import os
import re
import statistics
import struct
import sys
import time
import urllib.request

from script_support import free_port, wait_http

CSV_HEADER = ("t_s,heap_used_mb,old_gen_used_mb,live_data_mb,lag_max,learned,skipped,"
              "predictions,latency_sum_s,latency_count,rejected,produced,requested")


# ---------------------------------------------------------------- producer


def read_idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return data[16:], n, rows * cols
    return data[8:], n, 1


def binary_sample(pixels, label):
    """The pipeline's binary sample format (README, Record formats), model `default`."""
    n = len(pixels)
    kind = 0 if label is None else 1
    out = b"KS" + struct.pack("<BBHi", 1, kind, 0, n) + struct.pack(f"<{n}f", *pixels)
    return out if label is None else out + struct.pack("<i", label)


def produce(bootstrap, data_dir, rate, request_rate, stop_file, stats_file):
    from confluent_kafka import Producer

    images, n, width = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
    labels, _, _ = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))
    tests, n_test, _ = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "acks": "all",
                         "queue.buffering.max.messages": 200000})
    rate, request_rate = float(rate), float(request_rate)
    labeled = requests = 0
    start = time.monotonic()
    last_stats = 0.0
    while not os.path.exists(stop_file):
        elapsed = time.monotonic() - start
        # Catch up to the schedule (fixed rate, not "as fast as possible").
        while labeled < rate * elapsed:
            i = labeled % n
            pixels = images[i * width:(i + 1) * width]
            producer.produce("samples", key=f"train-{i}".encode(),
                             value=binary_sample(pixels, labels[i]))
            labeled += 1
        while requests < request_rate * elapsed:
            j = requests % n_test
            producer.produce("samples", key=f"q-{requests}".encode(),
                             value=binary_sample(tests[j * width:(j + 1) * width], None))
            requests += 1
        producer.poll(0)
        if elapsed - last_stats >= 1:
            write_stats(stats_file, labeled, requests)
            last_stats = elapsed
        time.sleep(0.005)
    producer.flush(30)
    write_stats(stats_file, labeled, requests)
    return 0


def write_stats(path, labeled, requests):
    with open(path + ".tmp", "w") as f:
        f.write(f"{labeled} {requests}\n")
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------- sampler

LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def scrape(url):
    series = []
    with urllib.request.urlopen(url, timeout=10) as r:
        for line in r.read().decode().splitlines():
            m = LINE.match(line)
            if m:
                try:
                    series.append((m.group(1), m.group(2) or "", float(m.group(3))))
                except ValueError:
                    pass
    return series


def total(series, name, label_filter=lambda labels: True):
    return sum(v for n, l, v in series if n == name and label_filter(l) and math.isfinite(v))


def sample_row(series, t, stats_file):
    mb = 1024.0 * 1024.0
    lags = [v for n, l, v in series
            if n == "kafka_consumer_fetch_manager_records_lag_max"
            and "restore-consumer" not in l and math.isfinite(v)]
    try:
        produced, requested = open(stats_file).read().split()
    except (OSError, ValueError):
        produced, requested = "0", "0"
    return [
        round(t, 1),
        round(total(series, "jvm_memory_used_bytes", lambda l: 'area="heap"' in l) / mb, 2),
        round(total(series, "jvm_memory_used_bytes", lambda l: "Old Gen" in l) / mb, 2),
        round(total(series, "jvm_gc_live_data_size_bytes") / mb, 2),
        max(lags) if lags else "",
        total(series, "mlp_samples_trained_total"),
        total(series, "mlp_batches_skipped_total"),
        total(series, "mlp_predictions_total"),
        total(series, "mlp_prediction_latency_seconds_sum"),
        total(series, "mlp_prediction_latency_seconds_count"),
        total(series, "mlp_samples_rejected_total"),
        produced,
        requested,
    ]


def sample(url, csv, interval, stop_file, stats_file):
    interval = float(interval)
    start = time.monotonic()
    with open(csv, "w") as f:
        f.write(CSV_HEADER + "\n")
    k = 0
    while not os.path.exists(stop_file):
        try:
            row = sample_row(scrape(url), time.monotonic() - start, stats_file)
            with open(csv, "a") as f:
                f.write(",".join(str(x) for x in row) + "\n")
        except OSError as e:
            print(f"soak: scrape failed: {e}", file=sys.stderr)
        k += 1
        delay = start + k * interval - time.monotonic()
        while delay > 0 and not os.path.exists(stop_file):
            time.sleep(min(delay, 0.5))
            delay = start + k * interval - time.monotonic()
    return 0


# ---------------------------------------------------------------- summary


def slope(xs, ys):
    """Least-squares slope of ys over xs."""
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else float("nan")


def value_at(rows, key, t):
    """Linear interpolation of a cumulative column at time t."""
    for a, b in zip(rows, rows[1:]):
        if a["t_s"] <= t <= b["t_s"]:
            if b["t_s"] == a["t_s"]:
                return a[key]
            return a[key] + (b[key] - a[key]) * (t - a["t_s"]) / (b["t_s"] - a["t_s"])
    return None


def summary(csv, rate, max_heap_mb, load_minutes):
    rate, max_heap_mb, load_minutes = float(rate), float(max_heap_mb), float(load_minutes)
    lines = open(csv).read().splitlines()
    keys = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        values = line.split(",")
        rows.append({k: (float(v) if v not in ("", "nan") else float("nan"))
                     for k, v in zip(keys, values)})
    if len(rows) < 6:
        print(f"soak: only {len(rows)} samples, too few for a verdict")
        return 1
    failures = []
    end = rows[-1]
    # Judged: the load period only (the drain after it has no input).
    rows = [r for r in rows if r["t_s"] <= load_minutes * 60 + 5]
    duration = rows[-1]["t_s"] - rows[0]["t_s"]

    # Heap after GC: the least heap used in each minute (the trough after a collection), and the
    # least-squares slope of those minima over the second half of the run.
    minutes = int(duration // 60)
    troughs = []
    for m in range(minutes):
        in_minute = [r["heap_used_mb"] for r in rows if m * 60 <= r["t_s"] < (m + 1) * 60]
        if in_minute:
            troughs.append((m + 0.5, min(in_minute)))
    half = [(t, h) for t, h in troughs if t >= minutes / 2]
    heap_judged = len(half) >= 4  # at least 8 minutes: shorter runs are mostly warm-up
    if len(half) < 2:  # short runs: the 10 s samples of the second half, reported only
        half = [(r["t_s"] / 60, r["heap_used_mb"]) for r in rows if r["t_s"] >= duration / 2]
    heap_slope = slope([t for t, _ in half], [h for _, h in half])
    # Threshold: 1 MB/min is 1.4 GB a day, a leak that would exhaust the 1 GiB heap within a
    # day; below it the slope is the noise of the collector's timing.
    heap_limit = 1.0
    heap_ok = not heap_judged or (math.isfinite(heap_slope) and heap_slope <= heap_limit)
    if not heap_ok:
        failures.append(f"heap grows {heap_slope:.2f} MB/min (limit {heap_limit})")
    live = [r["live_data_mb"] for r in rows if r["live_data_mb"] > 0]

    # Lag bounded: the last third's maximum no more than 1.5x the middle third's, or under 5 s
    # of input.
    lags = [(r["t_s"], r["lag_max"]) for r in rows if math.isfinite(r["lag_max"])]
    third = duration / 3
    middle = [v for t, v in lags if third <= t < 2 * third]
    last = [v for t, v in lags if t >= 2 * third]
    max_lag = max((v for _, v in lags), default=float("nan"))
    final_lag = lags[-1][1] if lags else float("nan")
    lag_bound = max(1.5 * max(middle, default=0), 5 * rate)
    lag_ok = bool(last) and max(last) <= lag_bound
    if not lag_ok:
        failures.append(f"lag growing: last third max {max(last, default=float('nan')):.0f} > "
                        f"{lag_bound:.0f}")

    # Throughput: learned samples in each whole minute after the first (warm-up).
    per_minute = []
    for m in range(1, minutes):
        a, b = value_at(rows, "learned", m * 60), value_at(rows, "learned", (m + 1) * 60)
        if a is not None and b is not None:
            per_minute.append(b - a)
    if per_minute:
        median = statistics.median(per_minute)
        outliers = [round(x) for x in per_minute if abs(x - median) > 0.2 * median]
        tp_ok = median > 0 and not outliers
        if not tp_ok:
            failures.append(f"throughput unsteady: minutes {outliers} beyond 20% of the median "
                            f"{median:.0f}")
    else:  # shorter than 2 minutes: the rate over the second half, reported only
        median, outliers, tp_ok = float("nan"), [], True
    half_rows = [r for r in rows if r["t_s"] >= duration / 2]
    learned_rate = ((half_rows[-1]["learned"] - half_rows[0]["learned"])
                    / max(half_rows[-1]["t_s"] - half_rows[0]["t_s"], 1e-9) * 60)

    predictions_ok = end["predictions"] >= end["requested"] > 0
    if not predictions_ok:
        failures.append(f"predictions {end['predictions']:.0f} < requests {end['requested']:.0f}")
    latency = (end["latency_sum_s"] / end["latency_count"] * 1000
               if end["latency_count"] else float("nan"))

    def fmt(ok):
        return "PASS" if ok else "FAIL"

    print(f"soak summary: {duration / 60:.1f} min, {len(rows)} samples, target {rate:.0f} "
          f"labeled records/s")
    print(f"  heap after GC (per-minute minimum of heap used): first "
          f"{troughs[0][1] if troughs else rows[0]['heap_used_mb']:.0f} MB, last "
          f"{troughs[-1][1] if troughs else rows[-1]['heap_used_mb']:.0f} MB; slope over the "
          f"second half {heap_slope:+.2f} MB/min (limit {heap_limit:+.2f}) "
          f"[{fmt(heap_ok) if heap_judged else 'not judged: under 8 minutes'}]; "
          f"jvm_gc_live_data_size last "
          f"{live[-1] if live else 0:.0f} MB (heap max {max_heap_mb:.0f} MB)")
    print(f"  consumer lag (records_lag_max): max {max_lag:.0f}, final {final_lag:.0f}, last "
          f"third max {max(last, default=float('nan')):.0f} vs bound {lag_bound:.0f} "
          f"[{fmt(lag_ok)}]")
    if per_minute:
        print(f"  learned per minute (minutes 2..{minutes}): mean {statistics.mean(per_minute):.0f}, "
              f"min {min(per_minute):.0f}, max {max(per_minute):.0f}, median {median:.0f} "
              f"(each within 20%) [{fmt(tp_ok)}]")
    else:
        print("  learned per minute: fewer than 2 whole minutes, not judged")
    print(f"  learned over the second half: {learned_rate:.0f}/min; total learned "
          f"{end['learned']:.0f} of {end['produced']:.0f} labeled records sent "
          f"(10% are validation), skipped batches {end['skipped']:.0f}")
    print(f"  predictions {end['predictions']:.0f} for {end['requested']:.0f} requests "
          f"[{fmt(predictions_ok)}]; mean latency {latency:.1f} ms; rejected "
          f"{end['rejected']:.0f}")
    print("SOAK " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    return 0 if not failures else 1


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "free-port":
        print(free_port())
        return 0
    if cmd == "wait-http":
        return wait_http(*argv[2:5])
    if cmd == "produce":
        return produce(*argv[2:8])
    if cmd == "sample":
        return sample(*argv[2:7])
    if cmd == "summary":
        return summary(*argv[2:6])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
