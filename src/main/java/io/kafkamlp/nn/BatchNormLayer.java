package io.kafkamlp.nn;

import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Batch normalization (Ioffe and Szegedy, 2015) of each column: in training {@code y = gamma * (x -
 * mean_B) / sqrt(var_B + eps) + beta} with the batch's own mean and (biased) variance; each applied
 * training step folds them into exponential running averages (the variance unbiased), which
 * inference uses.
 *
 * <p>Backward, per column, with {@code xhat} the normalized input and {@code N} the batch size:
 * {@code dx = gamma / (N sqrt(var + eps)) * (N dy - sum(dy) - xhat * sum(dy xhat))}.
 */
public final class BatchNormLayer implements Layer {

  private static final float EPS = 1e-5f;

  private final int width;
  private final float momentum;
  private final Parameter gamma;
  private final Parameter beta;
  private final List<Parameter> parameters;
  private final FMatrixRMaj runningMean;
  private final FMatrixRMaj runningVar;
  private final float[] mean;
  private final float[] variance;
  private final float[] invStd;
  private final float[] sumDy;
  private final float[] sumDyXhat;
  private final FMatrixRMaj xhat = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj output = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj inputGradient = new FMatrixRMaj(1, 1);
  private int batchRows;

  /**
   * @param momentum weight of the old value in the running averages, in [0, 1)
   */
  public BatchNormLayer(String name, int width, double momentum) {
    this.width = width;
    this.momentum = (float) momentum;
    gamma = new Parameter(name + ".gamma", 1, width, false);
    beta = new Parameter(name + ".beta", 1, width, false);
    java.util.Arrays.fill(gamma.value().data, 1f);
    parameters = List.of(gamma, beta);
    runningMean = new FMatrixRMaj(1, width);
    runningVar = new FMatrixRMaj(1, width);
    java.util.Arrays.fill(runningVar.data, 1f);
    mean = new float[width];
    variance = new float[width];
    invStd = new float[width];
    sumDy = new float[width];
    sumDyXhat = new float[width];
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public int outputWidth() {
    return width;
  }

  @Override
  public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
    int n = x.numRows;
    output.reshape(n, width);
    xhat.reshape(n, width);
    float[] in = x.data;
    if (training) {
      batchStatistics(in, n);
    } else {
      batchRows = 0;
      for (int j = 0; j < width; j++) {
        mean[j] = runningMean.data[j];
        invStd[j] = (float) (1.0 / Math.sqrt(runningVar.data[j] + EPS));
      }
    }
    float[] xh = xhat.data;
    float[] out = output.data;
    float[] g = gamma.value().data;
    float[] b = beta.value().data;
    for (int i = 0; i < n; i++) {
      int row = i * width;
      for (int j = 0; j < width; j++) {
        float v = (in[row + j] - mean[j]) * invStd[j];
        xh[row + j] = v;
        out[row + j] = g[j] * v + b[j];
      }
    }
    return output;
  }

  /**
   * Mean and biased variance of each column into {@code mean}, {@code variance}, {@code invStd}.
   */
  private void batchStatistics(float[] in, int n) {
    java.util.Arrays.fill(mean, 0f);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        mean[j] += in[i * width + j];
      }
    }
    for (int j = 0; j < width; j++) {
      mean[j] /= n;
    }
    java.util.Arrays.fill(variance, 0f);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        float d = in[i * width + j] - mean[j];
        variance[j] += d * d;
      }
    }
    for (int j = 0; j < width; j++) {
      variance[j] /= n;
      invStd[j] = (float) (1.0 / Math.sqrt(variance[j] + EPS));
    }
    batchRows = n;
  }

  @Override
  public boolean commitIsFinite() {
    if (batchRows == 0) {
      return true;
    }
    float unbiased = batchRows > 1 ? (float) batchRows / (batchRows - 1) : 1f;
    for (int j = 0; j < width; j++) {
      if (!Float.isFinite(momentum * runningMean.data[j] + (1f - momentum) * mean[j])
          || !Float.isFinite(
              momentum * runningVar.data[j] + (1f - momentum) * variance[j] * unbiased)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void commit() {
    if (batchRows == 0) {
      return;
    }
    float unbiased = batchRows > 1 ? (float) batchRows / (batchRows - 1) : 1f;
    for (int j = 0; j < width; j++) {
      runningMean.data[j] = momentum * runningMean.data[j] + (1f - momentum) * mean[j];
      runningVar.data[j] = momentum * runningVar.data[j] + (1f - momentum) * variance[j] * unbiased;
    }
    batchRows = 0;
  }

  @Override
  public FMatrixRMaj backward(FMatrixRMaj dy, boolean needInputGradient) {
    int n = dy.numRows;
    float[] d = dy.data;
    float[] xh = xhat.data;
    java.util.Arrays.fill(sumDy, 0f);
    java.util.Arrays.fill(sumDyXhat, 0f);
    for (int i = 0; i < n; i++) {
      int row = i * width;
      for (int j = 0; j < width; j++) {
        sumDy[j] += d[row + j];
        sumDyXhat[j] += d[row + j] * xh[row + j];
      }
    }
    // dgamma = sum(dy xhat), dbeta = sum(dy)
    System.arraycopy(sumDyXhat, 0, gamma.gradient().data, 0, width);
    System.arraycopy(sumDy, 0, beta.gradient().data, 0, width);
    if (!needInputGradient) {
      return null;
    }
    inputGradient.reshape(n, width);
    float[] dx = inputGradient.data;
    float[] g = gamma.value().data;
    for (int i = 0; i < n; i++) {
      int row = i * width;
      for (int j = 0; j < width; j++) {
        float scale = g[j] * invStd[j] / n;
        dx[row + j] = scale * (n * d[row + j] - sumDy[j] - xh[row + j] * sumDyXhat[j]);
      }
    }
    return inputGradient;
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The running mean and running variance, in that order. */
  @Override
  public List<FMatrixRMaj> buffers() {
    return List.of(runningMean, runningVar);
  }
}
