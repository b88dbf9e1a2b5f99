/**
 * Prometheus's own formats where the node speaks them on the wire rather than stores them: its XOR chunk, as remote
 * read's streamed answers carry it ({@link io.shardview.metrics.wire.PrometheusXorChunk}).
 */
package io.shardview.metrics.wire;
