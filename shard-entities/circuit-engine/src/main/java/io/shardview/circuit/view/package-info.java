/**
 * Views as the circuit keeps them (dataflow, content, hash) and the propagation of a batch's table deltas through
 * the views, level by level.
 */
package io.shardview.circuit.view;
