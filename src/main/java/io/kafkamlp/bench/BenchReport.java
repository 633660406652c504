package io.kafkamlp.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkamlp.replay.SampleFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders {@link BenchResults} as the markdown report (one table of measures, one of the issue's
 * targets, the definitions) and as JSON (every run, the medians and the targets; NaN written as
 * null). Pure functions of the results.
 */
public final class BenchReport {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);

  /** How the rates are defined and why: printed under the tables. */
  static final List<String> NOTES =
      List.of(
          "Every rate is the median of the repeated runs (kernel: of every measured JMH"
              + " iteration of every fork). Each Kafka run uses a fresh embedded broker in the"
              + " benchmark's JVM; the pipeline runs in a JVM of its own (`run"
              + " --bootstrap-servers`), so its heap is its own.",
          "Records are produced concurrently with the processing, at full speed, by one"
              + " producer in the broker's JVM (512 KiB batches, 20 ms linger), as `demo` does:"
              + " the rate says whether the pipeline keeps up with a fast source, producer and"
              + " broker sharing the machine with it, as they would here. The many-pass run can"
              + " instead drain a backlog (`--accuracy-source backlog`): every record produced"
              + " before the pipeline starts, its rate from the last scrape that showed nothing"
              + " learned, the producer's cost left out (clients on other machines, or a"
              + " restart).",
          "End to end = training samples learned / (time the last was learned - time the first"
              + " record was sent); learned is read from the pipeline's"
              + " `mlp_samples_trained_total`, scraped every 200 ms (end late by at most one"
              + " scrape: the rate is understated, never overstated). Validation records (10%)"
              + " are processed too but not counted.",
          "Warm end to end = samples learned per second over a run's second half (from the"
              + " scrape that first shows half its samples learned to the one that shows all):"
              + " on the many-pass run, the sustained rate once the pipeline JVM has compiled"
              + " its code, which is what the kernel's JMH rate (warm-up iterations left out)"
              + " compares with. A one-pass run is mostly that warm-up.",
          "Kafka limit = a Kafka Streams passthrough (`samples` to an output topic) with the"
              + " trainer's own settings (exactly_once_v2), fed the same records the same way;"
              + " records / (last output record's broker append time - first send).",
          "Serving latency = prediction arrival at a consumer - the request record's timestamp"
              + " (set at send, linger.ms 0); requests at a fixed rate, open loop, from the"
              + " server's first answer with a model, while a labeled stream at a fixed rate (by"
              + " default half the end-to-end binary rate) keeps the trainer busy; nearest-rank"
              + " percentiles. Steady = the requests sent after a warm-up (120 s by default),"
              + " what a long-running server answers; just after a start = the requests sent in"
              + " the first 30 s (or the whole warm-up, if shorter), while both fresh JVMs are"
              + " still compiling, also in 5-s slices (each run's p99 of each).",
          "CPU = CPU time (all threads) of the pipeline's JVM, from its"
              + " `process_cpu_time_ns_total`, and of the benchmark's JVM (the broker and the"
              + " producer), read at each scrape; per sample learned from the last scrape before"
              + " the first record was sent to the scrape that showed every sample learned, and"
              + " over the second half. A shared machine's noise moves it far less than the"
              + " rates. The kernel's is one core's time per sample. The passthrough's is the"
              + " benchmark JVM's from the first send to the last copy read back, reading"
              + " included.",
          "Memory = the pipeline JVM's `jvm_memory_used_bytes{area=\"heap\"}` (summed) and"
              + " `jvm_gc_live_data_size_bytes`, scraped every 200 ms; largest over all its runs.");

  private BenchReport() {}

  /** The markdown report. */
  public static String markdown(BenchResults r) {
    StringBuilder md = new StringBuilder();
    BenchResults.Setup s = r.setup();
    md.append("# kafka-mlp benchmark, ")
        .append(DateTimeFormatter.ISO_LOCAL_DATE.format(r.date().atOffset(ZoneOffset.UTC)))
        .append("\n\n");
    md.append(
        f(
            "Machine: %s, %d cores; %s; %s. Started %s.%n%n",
            r.machine().cpu(),
            r.machine().cores(),
            r.machine().java(),
            r.machine().os(),
            r.date()));
    md.append(
        f(
            "Setup: %s, %,d training records per pass, %,d test records scored, %d repeat(s)"
                + " per rate, pipeline JVM -Xmx%s.%n%n",
            s.data(), s.samplesPerPass(), s.testSamples(), s.repeats(), s.pipelineHeap()));
    md.append("| measure | value | detail |\n|---|---|---|\n");
    for (Kernel k : r.kernel()) {
      row(
          md,
          f("kernel (JMH train step, %d thread(s), SIMD), batch %d", k.threads(), k.batchSize()),
          rate(k.samplesPerSecond(), "samples/s"),
          f(
              "%d fork(s) x %d iteration(s); %.0f us %s per sample",
              k.forks(),
              k.iterations(),
              1e6 / k.samplesPerSecond(),
              k.threads() == 1 ? "of one core" : "of wall clock"));
    }
    if (r.peer() != null && r.peer().skipped() != null) {
      row(md, "peer (PyTorch, 1 thread)", "skipped", r.peer().skipped());
    } else if (r.peer() != null) {
      r.peer()
          .samplesPerSecond()
          .forEach(
              (batch, rate) ->
                  row(md, r.peer().name() + ", batch " + batch, rate(rate, "samples/s"), ""));
    }
    for (SampleFormat format : SampleFormat.values()) {
      List<Passthrough.Run> runs =
          r.passthrough().stream().filter(x -> x.format() == format).toList();
      if (!runs.isEmpty()) {
        double cpu = r.passthroughCpuPerRecord(format);
        row(
            md,
            "Kafka limit (passthrough, exactly_once_v2), " + format,
            rate(r.passthroughRate(format), "records/s"),
            "runs: "
                + join(runs.stream().map(Passthrough.Run::recordsPerSecond).toList())
                + (Double.isNaN(cpu)
                    ? ""
                    : f(
                        "; CPU %.0f us per record (median; broker, producer and application all"
                            + " in the benchmark's JVM)",
                        cpu)));
      }
    }
    for (SampleFormat format : SampleFormat.values()) {
      List<EndToEnd.Run> runs = r.endToEnd().stream().filter(x -> x.format() == format).toList();
      if (!runs.isEmpty()) {
        double limit = r.passthroughRate(format);
        row(
            md,
            "end to end (exactly_once_v2), " + format,
            rate(r.endToEndRate(format), "samples/s"),
            "runs: "
                + join(runs.stream().map(EndToEnd.Run::samplesPerSecond).toList())
                + "; second halves: "
                + join(runs.stream().map(EndToEnd.Run::warmSamplesPerSecond).toList())
                + (Double.isNaN(limit)
                    ? ""
                    : f("; %.2f of the Kafka limit", r.endToEndRate(format) / limit)));
      }
    }
    for (SampleFormat format : SampleFormat.values()) {
      List<EndToEnd.Run> runs = r.endToEnd().stream().filter(x -> x.format() == format).toList();
      if (!runs.isEmpty()) {
        row(
            md,
            "CPU per sample learned, end to end, " + format,
            micros(r.endToEndCpuPerSample(format, CpuUse::totalSeconds)),
            f(
                "pipeline JVM %.0f us + broker and producer %.0f us (medians); cores busy: %s"
                    + " of %d",
                r.endToEndCpuPerSample(format, CpuUse::pipelineSeconds),
                r.endToEndCpuPerSample(format, CpuUse::benchSeconds),
                joinDecimals(runs.stream().map(x -> x.cpu().totalSeconds() / x.seconds()).toList()),
                r.machine().cores()));
      }
    }
    if (r.accuracy() != null && r.accuracy().warm() != null) {
      MetricsSampler.Span warm = r.accuracy().warm();
      row(
          md,
          f("CPU per sample learned, warm (second half of %d passes)", r.accuracy().passes()),
          micros(warm.cpuMicrosPerSample()),
          f(
              "pipeline JVM %.0f us + broker and producer %.0f us; cores busy: %.2f of %d; whole"
                  + " run %.0f us",
              CpuUse.microsPer(warm.cpu().pipelineSeconds(), warm.samples()),
              CpuUse.microsPer(warm.cpu().benchSeconds(), warm.samples()),
              warm.cpu().totalSeconds() / warm.seconds(),
              r.machine().cores(),
              r.accuracy().cpuMicrosPerSample()));
      if (!Double.isNaN(warm.starvedShare())) {
        row(
            md,
            f(
                "training thread waiting for records, warm (second half of %d passes)",
                r.accuracy().passes()),
            f("%.1f%% of the time", 100 * warm.starvedShare()),
            "its queue empty (`mlp_training_starved_seconds_total`): Kafka's side held it up"
                + " (polling, parsing, logging, a commit); the rest of the time it trained, or was"
                + " kept from a core or paused by the collector");
      }
      if (!Double.isNaN(warm.trainingCpuShare())) {
        row(
            md,
            f("training thread on a core, warm (second half of %d passes)", r.accuracy().passes()),
            f("%.1f%% of the time", 100 * warm.trainingCpuShare()),
            "`mlp_training_cpu_seconds_total`"
                + (Double.isNaN(warm.starvedShare())
                    ? ""
                    : f(
                        "; with its wait for records, %.1f%% is left: runnable with no core free,"
                            + " or stopped by the collector",
                        100 * (1 - warm.trainingCpuShare() - warm.starvedShare()))));
      }
      if (!Double.isNaN(warm.stepShare())) {
        double kernelMicros = 1e6 / r.kernelRate(32);
        row(
            md,
            f("training steps, warm (second half of %d passes)", r.accuracy().passes()),
            f(
                "%.1f%% of the time; %.1f us per sample",
                100 * warm.stepShare(), warm.stepMicrosPerSample()),
            "`mlp_train_step_seconds` (forward, backward, update; inspections included)"
                + (Double.isNaN(kernelMicros)
                    ? ""
                    : f(
                        ": %.2fx the kernel's %.1f us per sample at batch 32",
                        warm.stepMicrosPerSample() / kernelMicros, kernelMicros))
                + "; the rest of the training thread's time went to normalizing, validation"
                + " scoring, metrics, waiting and the collector's pauses");
      }
    }
    if (r.serving().size() > 1) {
      row(
          md,
          "serving latency p50 / p99, steady, median of the runs",
          f("%.0f / %.0f ms", r.servingP50(), r.servingP99()),
          f(
              "%d runs, each below; requests from %.0f s after the server's first answer",
              r.serving().size(), r.setup().servingWarmupSeconds()));
      row(
          md,
          "serving latency p50 / p99 just after a start, median of the runs",
          f("%.0f / %.0f ms", r.servingStartP50(), r.servingStartP99()),
          f(
              "requests in the first %.0f s after the server's first answer",
              r.setup().servingStartSeconds()));
    }
    for (Serving.Run run : r.serving()) {
      Serving.Window steady = run.steady();
      Serving.Window start = run.start();
      row(
          md,
          f("serving latency p50 / p99 / max, %s", run.format()),
          f(
              "steady %d / %d / %d ms; first %.0f s %d / %d / %d ms (p99 by %d s: %s ms)",
              steady.p50Millis(),
              steady.p99Millis(),
              steady.maxMillis(),
              start.toSeconds(),
              start.p50Millis(),
              start.p99Millis(),
              start.maxMillis(),
              Serving.START_SLICE.toSeconds(),
              sliceP99s(run.startSlices())),
          f(
              "steady: %,d requests at %,.0f/s from %.0f s after the first answer, %,d answered"
                  + " by a model, %d no-model-yet; labeled stream at %,.0f/s meanwhile, %,.0f"
                  + " samples/s learned%s",
              steady.requests(),
              run.requestsPerSecond(),
              steady.fromSeconds(),
              steady.answered(),
              steady.noModelYet(),
              run.offeredTrainingRate(),
              run.trainingSamplesPerSecond(),
              Double.isNaN(run.trainingYieldedShare())
                  ? ""
                  : f(
                      ", the training thread yielding to serving %.1f%% of the time",
                      100 * run.trainingYieldedShare())));
    }
    if (!r.memory().isEmpty()) {
      row(
          md,
          "peak heap of the pipeline JVM (-Xmx" + s.pipelineHeap() + ")",
          f("%.0f MiB used", r.peakHeapUsed() / (1 << 20)),
          f(
              "live after GC %.0f MiB%s; largest over %d run(s)",
              r.peakLiveData() / (1 << 20),
              r.outOfMemory() ? "; OUT OF MEMORY" : "",
              r.memory().size()));
    }
    if (!Double.isNaN(r.onePassTestAccuracy()) || !Double.isNaN(r.onePassPrequentialAccuracy())) {
      row(
          md,
          "accuracy after one pass",
          f("test %.4f", r.onePassTestAccuracy()),
          f("prequential %.4f (medians over the end-to-end runs)", r.onePassPrequentialAccuracy()));
    }
    if (r.accuracy() != null) {
      EndToEnd.Run a = r.accuracy();
      boolean backlog = a.source() == EndToEnd.Source.BACKLOG;
      row(
          md,
          f("accuracy after %d passes (%s%s)", a.passes(), a.format(), fromABacklog(a)),
          f("test %.4f", a.testAccuracy()),
          f(
              "prequential %.4f; %,d samples in %.0f s, %,.0f samples/s, %s; warm (second half)"
                  + " %,.0f samples/s",
              a.prequentialAccuracy(),
              a.samplesLearned(),
              a.seconds(),
              a.samplesPerSecond(),
              backlog
                  ? f(
                      "from the last scrape that showed nothing learned, every record produced"
                          + " before the pipeline started (in %.0f s)",
                      a.producerSeconds())
                  : f(
                      "the bench's producer done after %.0f s (sending, it shares the cores with"
                          + " the pipeline)",
                      a.producerSeconds()),
              a.warmSamplesPerSecond()));
    }
    md.append(
        "\n## Targets (issue 5)\n\n| target | measured | bar | status |\n|---|---|---|---|\n");
    for (Target t : Target.of(r)) {
      md.append(f("| %s | %s | %s | %s |%n", t.name(), t.measured(), t.bar(), t.status()));
    }
    if (!r.failures().isEmpty()) {
      md.append("\n## Failed runs\n\n");
      r.failures().forEach(failure -> md.append("* ").append(failure).append('\n'));
    }
    md.append("\n## How it is measured\n\n");
    NOTES.forEach(n -> md.append("* ").append(n).append('\n'));
    return md.toString();
  }

  /** The JSON report. */
  public static String json(BenchResults r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("date", r.date().toString());
    root.set("machine", JSON.valueToTree(r.machine()));
    root.set("setup", JSON.valueToTree(r.setup()));
    ArrayNode kernel = root.putArray("kernel");
    r.kernel().forEach(k -> kernel.add(JSON.valueToTree(k)));
    root.set("peer", r.peer() == null ? null : JSON.valueToTree(r.peer()));
    ObjectNode passthrough = root.putObject("passthrough");
    ObjectNode endToEnd = root.putObject("endToEnd");
    for (SampleFormat format : SampleFormat.values()) {
      ObjectNode p = passthrough.putObject(format.toString());
      num(p, "medianRecordsPerSecond", r.passthroughRate(format));
      ArrayNode pRuns = p.putArray("runs");
      r.passthrough().stream()
          .filter(x -> x.format() == format)
          .forEach(
              x -> {
                ObjectNode run = nanToNull(JSON.valueToTree(x));
                num(run, "recordsPerSecond", x.recordsPerSecond());
                num(run, "cpuMicrosPerRecord", x.cpuMicrosPerRecord());
                pRuns.add(run);
              });
      ObjectNode e = endToEnd.putObject(format.toString());
      num(e, "medianSamplesPerSecond", r.endToEndRate(format));
      ArrayNode eRuns = e.putArray("runs");
      r.endToEnd().stream()
          .filter(x -> x.format() == format)
          .forEach(x -> eRuns.add(endToEndRun(x)));
    }
    ObjectNode serving = root.putObject("serving");
    num(serving, "medianP50Millis", r.servingP50());
    num(serving, "medianP99Millis", r.servingP99());
    num(serving, "medianStartP50Millis", r.servingStartP50());
    num(serving, "medianStartP99Millis", r.servingStartP99());
    ArrayNode sRuns = serving.putArray("runs");
    r.serving().forEach(x -> sRuns.add(nanToNull(JSON.valueToTree(x))));
    ObjectNode memory = root.putObject("memory");
    memory.put("maxHeap", r.setup().pipelineHeap());
    num(memory, "peakHeapUsedBytes", r.peakHeapUsed());
    num(memory, "peakLiveDataBytes", r.peakLiveData());
    memory.put("outOfMemory", r.outOfMemory());
    ObjectNode accuracy = root.putObject("accuracy");
    num(accuracy, "onePassTestAccuracy", r.onePassTestAccuracy());
    num(accuracy, "onePassPrequentialAccuracy", r.onePassPrequentialAccuracy());
    accuracy.set("passes", r.accuracy() == null ? null : endToEndRun(r.accuracy()));
    ArrayNode targets = root.putArray("targets");
    Target.of(r).forEach(t -> targets.add(JSON.valueToTree(t)));
    ArrayNode failures = root.putArray("failures");
    r.failures().forEach(failures::add);
    ArrayNode notes = root.putArray("notes");
    NOTES.forEach(notes::add);
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of plain nodes always serializes
    }
  }

  /** {@code ", from a backlog"} for a run that drained one, else nothing. */
  static String fromABacklog(EndToEnd.Run run) {
    return run.source() == EndToEnd.Source.BACKLOG ? ", from a backlog" : "";
  }

  /** The slices' p99s in order, comma-separated; {@code -} for a slice no model answered. */
  private static String sliceP99s(List<Serving.Window> slices) {
    return slices.stream()
        .map(w -> w.p99Millis() < 0 ? "-" : f("%,d", w.p99Millis()))
        .collect(Collectors.joining(", "));
  }

  private static ObjectNode endToEndRun(EndToEnd.Run run) {
    ObjectNode node = nanToNull(JSON.valueToTree(run));
    num(node, "samplesPerSecond", run.samplesPerSecond());
    num(node, "cpuMicrosPerSample", run.cpuMicrosPerSample());
    num(node, "warmCpuMicrosPerSample", run.warmCpuMicrosPerSample());
    return node;
  }

  /** The node with every NaN number (which JSON cannot hold) replaced by null, recursively. */
  private static ObjectNode nanToNull(ObjectNode node) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              var value = node.get(name);
              if (value.isDouble() && Double.isNaN(value.doubleValue())) {
                node.putNull(name);
              } else if (value.isObject()) {
                nanToNull((ObjectNode) value);
              }
            });
    return node;
  }

  private static void num(ObjectNode node, String name, double v) {
    if (Double.isNaN(v)) {
      node.putNull(name);
    } else {
      node.put(name, v);
    }
  }

  private static void row(StringBuilder md, String measure, String value, String detail) {
    md.append("| ").append(measure).append(" | ").append(value).append(" | ");
    md.append(detail).append(" |\n");
  }

  private static String rate(double value, String unit) {
    return Double.isNaN(value) ? "-" : f("%,.0f %s", value, unit);
  }

  private static String join(List<Double> values) {
    return values.stream().map(v -> f("%,.0f", v)).collect(Collectors.joining(" / "));
  }

  private static String micros(double value) {
    return Double.isNaN(value) ? "-" : f("%.0f us", value);
  }

  private static String joinDecimals(List<Double> values) {
    return values.stream().map(v -> f("%.2f", v)).collect(Collectors.joining(" / "));
  }

  private static String f(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
