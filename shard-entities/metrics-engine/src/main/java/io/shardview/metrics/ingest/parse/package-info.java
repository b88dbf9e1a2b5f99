/**
 * The ingest formats, parsed into a {@link io.shardview.metrics.ingest.SampleBatch}: remote_write
 * ({@link io.shardview.metrics.ingest.parse.RemoteWriteDecoder}), Influx line protocol
 * ({@link io.shardview.metrics.ingest.parse.LineProtocolParser}), Prometheus text
 * ({@link io.shardview.metrics.ingest.parse.PrometheusTextParser}) and VictoriaMetrics JSON lines
 * ({@link io.shardview.metrics.ingest.parse.JsonLinesParser}), each filling a
 * {@link io.shardview.metrics.ingest.parse.SampleBatchBuilder} within the
 * {@link io.shardview.metrics.ingest.parse.IngestLimits} it is given. A body that cannot be ingested is an
 * {@link io.shardview.metrics.ingest.parse.IngestException} of a kind that the edge maps to a status: nothing here
 * knows HTTP. The edge undoes a body's gzip or deflate first; remote_write's snappy block is the decoder's.
 * {@link io.shardview.metrics.ingest.parse.JsonMessages} words Jackson's complaints for a client (the edge's tenant
 * ingest uses it too).
 */
package io.shardview.metrics.ingest.parse;
