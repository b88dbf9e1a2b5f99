/**
 * The PromQL language as Prometheus 2 parses it: {@link io.shardview.metrics.promql.parser.PromqlLexer} and
 * {@link io.shardview.metrics.promql.parser.PromqlParser} build an {@link io.shardview.metrics.promql.parser.Expr}
 * tree whose types {@link io.shardview.metrics.promql.parser.PromqlChecker} checks, with Prometheus's error messages;
 * {@link io.shardview.metrics.promql.parser.Functions} is the table of functions and their signatures, and
 * {@link io.shardview.metrics.promql.parser.Durations} reads durations, steps and times as the HTTP API does. Depends
 * on nothing of PromQL's other rooms.
 */
package io.shardview.metrics.promql.parser;
