package io.kafkamlp.normalize;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StandardizerLoops} on the Vector API: the features widened from float to double a vector
 * at a time, the same operations lane by lane, narrowed back for the output. Each method does the
 * features of whole vectors and returns where the scalar loop takes over. Loaded only when {@link
 * io.kafkamlp.nn.kernel.MatrixKernels#SIMD} is true.
 */
final class SimdStandardizerLoops {

  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

  /** As many floats as {@link #DOUBLES} has doubles: half its width. */
  private static final VectorSpecies<Float> FLOATS =
      VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

  private static final int LANES = DOUBLES.length();

  private SimdStandardizerLoops() {}

  private static DoubleVector widen(float[] x, int i) {
    return (DoubleVector)
        FloatVector.fromArray(FLOATS, x, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
  }

  static int welford(float[] x, double[] mean, double[] m2, long count) {
    int end = x.length - x.length % LANES;
    double n = count;
    for (int i = 0; i < end; i += LANES) {
      DoubleVector xi = widen(x, i);
      DoubleVector d = xi.sub(DoubleVector.fromArray(DOUBLES, mean, i));
      DoubleVector meanNew = DoubleVector.fromArray(DOUBLES, mean, i).add(d.div(n));
      meanNew.intoArray(mean, i);
      DoubleVector.fromArray(DOUBLES, m2, i).add(d.mul(xi.sub(meanNew))).intoArray(m2, i);
    }
    return end;
  }

  static int weighted(float[] x, double[] mean, double[] var, double alpha) {
    int end = x.length - x.length % LANES;
    double keep = 1.0 - alpha;
    for (int i = 0; i < end; i += LANES) {
      DoubleVector m = DoubleVector.fromArray(DOUBLES, mean, i);
      DoubleVector d = widen(x, i).sub(m);
      DoubleVector incr = d.mul(alpha);
      m.add(incr).intoArray(mean, i);
      DoubleVector.fromArray(DOUBLES, var, i).add(d.mul(incr)).mul(keep).intoArray(var, i);
    }
    return end;
  }

  static int transform(
      float[] x, float[] out, double[] mean, double[] m2OrVar, double divisor, double minVariance) {
    int end = x.length - x.length % LANES;
    for (int i = 0; i < end; i += LANES) {
      DoubleVector variance = DoubleVector.fromArray(DOUBLES, m2OrVar, i).div(divisor);
      VectorMask<Double> tiny = variance.lt(minVariance);
      DoubleVector scale = variance.sqrt().blend(1.0, tiny);
      DoubleVector centred = widen(x, i).sub(DoubleVector.fromArray(DOUBLES, mean, i));
      ((FloatVector) centred.div(scale).convertShape(VectorOperators.D2F, FLOATS, 0))
          .intoArray(out, i);
    }
    return end;
  }
}
