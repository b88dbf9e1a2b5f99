/**
 * Chunk codecs for (timestamp ms, double) points: {@link io.shardview.metrics.chunk.XorChunk}
 * (Gorilla baseline) and {@link io.shardview.metrics.chunk.DecimalChunk} (decimal mantissas,
 * residuals bit-packed or Rice-coded); {@link io.shardview.metrics.chunk.Chunks} encodes with the smaller and
 * reads either by the first byte, the codec tag. Every codec is lossless for any input bits.
 */
package io.shardview.metrics.chunk;
