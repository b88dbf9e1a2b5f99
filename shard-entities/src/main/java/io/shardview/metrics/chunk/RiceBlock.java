package io.shardview.metrics.chunk;

/**
 * A block of unsigned residuals coded with one Golomb-Rice parameter k chosen per block.
 *
 * <p>Why Rice: residuals of decimal mantissas and timestamps are roughly two-sided geometric, for
 * which a Rice code with the best k is within a few percent of the entropy, and it needs no table
 * (a general-purpose compressor pays a frame and table header that dominates 120-point chunks).
 *
 * <p>Layout: 1 bit "all zero" (then nothing more), else 6 bits k and per residual z the quotient
 * {@code z >>> k} in unary and the k low bits. A quotient of {@link #ESCAPE} or more is written as
 * unary(ESCAPE), 6 bits (bit length - 1) and the bits, which bounds the cost of outliers (jumps).
 */
final class RiceBlock {
  static final int ESCAPE = 20;

  private RiceBlock() {}

  /** Bits needed to write {@code z[0..n)} with the best parameter. */
  static long cost(long[] z, int n) {
    return cost(z, n, bestK(z, n));
  }

  /** Writes {@code z[0..n)}. */
  static void write(BitWriter w, long[] z, int n) {
    boolean allZero = true;
    for (int i = 0; i < n && allZero; i++) {
      allZero = z[i] == 0;
    }
    w.writeBit(allZero);
    if (allZero) {
      return;
    }
    int k = bestK(z, n);
    w.writeBits(k, 6);
    for (int i = 0; i < n; i++) {
      long q = z[i] >>> k;
      if (q < ESCAPE && q + 1 + k <= 64) {
        // q ones, a zero, then the k low bits, as one field
        long low = k == 0 ? 0 : z[i] & (-1L >>> (64 - k));
        w.writeBits((((1L << q) - 1) << (k + 1)) | low, (int) q + 1 + k);
      } else if (q < ESCAPE) {
        w.writeUnary((int) q);
        w.writeBits(z[i], k);
      } else {
        int len = 64 - Long.numberOfLeadingZeros(z[i]);
        w.writeUnary(ESCAPE);
        w.writeBits(len - 1, 6);
        w.writeBits(z[i], len);
      }
    }
  }

  /** Reads {@code n} residuals into {@code out}. */
  static void read(BitReader r, long[] out, int n) {
    if (r.readBit()) {
      java.util.Arrays.fill(out, 0, n, 0L);
      return;
    }
    int k = (int) r.readBits(6);
    for (int i = 0; i < n; i++) {
      int q = r.readUnary();
      if (q < ESCAPE) {
        out[i] = ((long) q << k) | r.readBits(k);
      } else if (q == ESCAPE) {
        out[i] = r.readBits((int) r.readBits(6) + 1);
      } else {
        throw new IllegalArgumentException("corrupt chunk: Rice quotient " + q);
      }
    }
  }

  /**
   * The k minimising the coded size among floor(log2(mean)) - 1 .. + 1: for geometric-like
   * residuals the optimum is within one of log2 of the mean.
   */
  static int bestK(long[] z, int n) {
    if (n == 0) {
      return 0;
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += unsignedToDouble(z[i]);
    }
    mean /= n;
    int guess = mean < 1 ? 0 : (int) Math.floor(Math.log(mean) / Math.log(2));
    int best = 0;
    long bestCost = Long.MAX_VALUE;
    for (int k = Math.max(0, guess - 1); k <= Math.min(63, guess + 1); k++) {
      long c = cost(z, n, k);
      if (c < bestCost) {
        bestCost = c;
        best = k;
      }
    }
    return best;
  }

  private static long cost(long[] z, int n, int k) {
    long bits = 1;
    boolean allZero = true;
    for (int i = 0; i < n; i++) {
      long q = z[i] >>> k;
      allZero &= z[i] == 0;
      bits += q < ESCAPE ? q + 1 + k : ESCAPE + 1 + 6 + 64 - Long.numberOfLeadingZeros(z[i]);
    }
    return allZero ? 1 : bits + 6;
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (v >>> 1) * 2.0;
  }
}
