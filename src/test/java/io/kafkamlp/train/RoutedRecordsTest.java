package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.spec.ModelSpec;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RoutedRecordsTest {

  private static final ModelSpec SPEC =
      ModelSpec.defaults().with(ModelSpec.LAYERS_CONFIG, "3,4,2").withSeed(1);

  private static TrainingRecord record(float... features) {
    return new TrainingRecord(
        new Sample(
            Sample.DEFAULT_MODEL, features, io.kafkamlp.sample.TargetKind.LABEL, new float[] {1}),
        false);
  }

  @Test
  void shouldHandBackTheRecordOfferedUnderTheSameArrayOnlyOnce() {
    RoutedRecords routed = new RoutedRecords();
    TrainingRecord record = record(1, 2, 3);
    byte[] bytes = record.toBytes();
    routed.offer(bytes, record);

    assertSame(record, routed.take(bytes));
    assertNull(routed.take(bytes));
  }

  @Test
  void shouldNotHandBackARecordForAnotherArrayEvenWithTheSameBytes() {
    RoutedRecords routed = new RoutedRecords();
    TrainingRecord record = record(1, 2, 3);
    byte[] bytes = record.toBytes();
    routed.offer(bytes, record);

    assertNull(routed.take(bytes.clone()));
    assertNull(routed.take(bytes), "a miss empties the slot too");
    assertNull(routed.take(null));
  }

  @Test
  void shouldForgetWhatWasOfferedOnClear() {
    RoutedRecords routed = new RoutedRecords();
    TrainingRecord record = record(1, 2, 3);
    byte[] bytes = record.toBytes();
    routed.offer(bytes, record);
    routed.clear();

    assertNull(routed.take(bytes));
  }

  @Test
  void shouldKeepEachThreadsOfferToItself() throws Exception {
    RoutedRecords routed = new RoutedRecords();
    TrainingRecord record = record(1, 2, 3);
    byte[] bytes = record.toBytes();
    routed.offer(bytes, record);
    AtomicReference<TrainingRecord> seen = new AtomicReference<>(record);
    Thread other = new Thread(() -> seen.set(routed.take(bytes)));
    other.start();
    other.join();

    assertNull(seen.get());
    assertSame(record, routed.take(bytes));
  }

  /**
   * What the trainer takes instead of parsing must be what it would have parsed: the encoding gives
   * back every field, bit for bit, for values parsing JSON can produce (negative zero, a subnormal,
   * the largest float, integers past 2^24).
   */
  @Test
  void shouldEncodeWhatParsingTheBytesGivesBack() {
    String[] values = {
      "{\"features\":[0.1,-0.0,1e-40,3.4028235e38],\"label\":3}",
      "{\"model\":\"m\",\"features\":[16777217,-2.5e-7,0,1],\"labels\":[0,2,7]}",
      "{\"features\":[1,2],\"targets\":[0.25,-1e30]}",
    };
    for (String json : values) {
      Sample sample =
          SampleCodec.parse(json.getBytes(StandardCharsets.UTF_8), SampleLimits.DEFAULTS);
      for (boolean validation : new boolean[] {false, true}) {
        TrainingRecord record = new TrainingRecord(sample, validation);
        assertEquals(record, TrainingRecord.fromBytes(record.toBytes()), json);
      }
    }
  }

  @Test
  void shouldOfferTheForwardedArrayDuringTheForwardOnly() {
    RoutedRecords routed = new RoutedRecords();
    byte[] value = "{\"features\":[1,2,3],\"label\":1}".getBytes(StandardCharsets.UTF_8);
    MockProcessorContext<byte[], byte[]> quiet = new MockProcessorContext<>();
    SampleRouter router = router(routed);
    router.init(quiet);
    router.process(new Record<>("k".getBytes(StandardCharsets.UTF_8), value, 0L));
    byte[] forwarded = quiet.forwarded().get(0).record().value();
    assertNull(routed.take(forwarded), "withdrawn once the forward returned");

    List<TrainingRecord> taken = new ArrayList<>();
    MockProcessorContext<byte[], byte[]> mock = new MockProcessorContext<>();
    router.init(takingContext(mock, routed, taken));
    router.process(new Record<>("k".getBytes(StandardCharsets.UTF_8), value, 0L));

    assertEquals(1, taken.size());
    assertEquals(TrainingRecord.fromBytes(mock.forwarded().get(0).record().value()), taken.get(0));
  }

  /**
   * {@code mock}, except that a forward to the node "trainer" also takes the record from {@code
   * routed}, as the trainer would within that call.
   */
  @SuppressWarnings("unchecked")
  private static ProcessorContext<byte[], byte[]> takingContext(
      MockProcessorContext<byte[], byte[]> mock, RoutedRecords routed, List<TrainingRecord> taken) {
    return (ProcessorContext<byte[], byte[]>)
        Proxy.newProxyInstance(
            RoutedRecordsTest.class.getClassLoader(),
            new Class<?>[] {ProcessorContext.class},
            (proxy, method, args) -> {
              Object result = method.invoke(mock, args);
              if (method.getName().equals("forward")
                  && args.length == 2
                  && "trainer".equals(args[1])) {
                taken.add(routed.take((byte[]) ((Record<?, ?>) args[0]).value()));
              }
              return result;
            });
  }

  private static SampleRouter router(RoutedRecords routed) {
    return new SampleRouter(
        Map.of(Sample.DEFAULT_MODEL, SPEC),
        new ValidationSplit(0),
        TrainerObserver.NONE,
        SampleLimits.DEFAULTS,
        "trainer",
        "dead-letters",
        routed);
  }
}
