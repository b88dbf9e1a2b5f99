/**
 * A circuit frozen at one version and its binary snapshot format: tables, views and operator state, so recovery
 * recomputes nothing.
 */
package io.shardview.circuit.snapshot;
