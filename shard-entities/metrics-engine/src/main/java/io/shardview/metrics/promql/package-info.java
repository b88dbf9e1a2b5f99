/** PromQL: the expression tree, its parser, and its evaluator over series the caller selects. */
package io.shardview.metrics.promql;
