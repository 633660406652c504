package io.kafkamlp.nn;

/**
 * A small seeded random generator whose whole state is one {@code long}, so a model's randomness
 * (initialization, dropout masks) is saved and restored exactly with the model.
 *
 * <p>SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
 * fast, passes BigCrush, and {@link #split()} derives independent child streams.
 */
public final class Rng {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** The whole state; {@code new Rng(0).setState(s)} continues exactly where this one is. */
  public long state() {
    return state;
  }

  public void setState(long state) {
    this.state = state;
  }

  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, n). */
  public int nextInt(int n) {
    return (int) ((nextLong() >>> 33) % n);
  }

  /**
   * Standard normal, by the Box-Muller transform (one draw per call, no cached spare), with {@link
   * StrictMath} so that a seed gives the same draws on every JVM and CPU.
   */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  /** A child generator, independent of this one's future output. */
  public Rng split() {
    return new Rng(nextLong());
  }
}
