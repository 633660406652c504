package io.kafkamlp.data;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A classification data set split into training and test parts, such as Fashion-MNIST from {@link
 * IdxReader#fashionMnist}: {@code trainX[k]} is the feature row of sample k and {@code trainY[k]}
 * its class.
 *
 * <p>The arrays are held, not copied, as in {@link Sample}: do not change them once handed over.
 * {@code equals} and {@code hashCode} are the record's, so they compare the arrays by identity.
 *
 * @param trainX training features, one row per sample, every row {@link #features()} long
 * @param trainY training labels, non-negative, one per row of {@code trainX}
 * @param testX test features, rows as long as the training ones
 * @param testY test labels, non-negative, one per row of {@code testX}
 */
public record Dataset(float[][] trainX, int[] trainY, float[][] testX, int[] testY) {

  /**
   * @throws NullPointerException if an array or row is null
   * @throws IllegalArgumentException if features and labels differ in number, rows in length, or a
   *     label is negative
   */
  public Dataset {
    Objects.requireNonNull(trainX, "trainX");
    Objects.requireNonNull(trainY, "trainY");
    Objects.requireNonNull(testX, "testX");
    Objects.requireNonNull(testY, "testY");
    if (trainX.length != trainY.length || testX.length != testY.length) {
      throw new IllegalArgumentException(
          "features and labels differ in number: train "
              + trainX.length
              + "/"
              + trainY.length
              + ", test "
              + testX.length
              + "/"
              + testY.length);
    }
    int features = trainX.length > 0 ? trainX[0].length : testX.length > 0 ? testX[0].length : 0;
    checkRows(trainX, features, "trainX");
    checkRows(testX, features, "testX");
    checkLabels(trainY, "trainY");
    checkLabels(testY, "testY");
  }

  /** The length of every feature row (0 for a data set without rows). */
  public int features() {
    return trainX.length > 0 ? trainX[0].length : testX.length > 0 ? testX[0].length : 0;
  }

  /** One more than the largest label in either part (0 without rows). */
  public int classes() {
    int max = -1;
    for (int y : trainY) {
      max = Math.max(max, y);
    }
    for (int y : testY) {
      max = Math.max(max, y);
    }
    return max + 1;
  }

  /**
   * The training part as {@link TargetKind#LABEL} samples for {@code model}: a read-only view that
   * builds each sample when asked (sharing the feature row, which must not be changed).
   */
  public List<Sample> trainSamples(String model) {
    return new Samples(model, trainX, trainY);
  }

  /**
   * The test part as {@link TargetKind#LABEL} samples for {@code model}; see {@link #trainSamples}.
   */
  public List<Sample> testSamples(String model) {
    return new Samples(model, testX, testY);
  }

  private static void checkRows(float[][] x, int features, String name) {
    for (int k = 0; k < x.length; k++) {
      if (x[k].length != features) {
        throw new IllegalArgumentException(
            name + "[" + k + "] has " + x[k].length + " features, expected " + features);
      }
    }
  }

  private static void checkLabels(int[] y, String name) {
    for (int k = 0; k < y.length; k++) {
      if (y[k] < 0) {
        throw new IllegalArgumentException(name + "[" + k + "] is negative: " + y[k]);
      }
    }
  }

  private static final class Samples extends AbstractList<Sample> implements RandomAccess {
    private final String model;
    private final float[][] x;
    private final int[] y;

    Samples(String model, float[][] x, int[] y) {
      this.model = Objects.requireNonNull(model, "model");
      this.x = x;
      this.y = y;
    }

    @Override
    public Sample get(int index) {
      return new Sample(model, x[index], TargetKind.LABEL, new float[] {y[index]});
    }

    @Override
    public int size() {
      return x.length;
    }
  }
}
