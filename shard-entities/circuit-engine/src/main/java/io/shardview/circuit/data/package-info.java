/**
 * The data model: rows, Z-sets (rows with integer weights, the deltas every operator maps), their binary codecs
 * and packed form, and the read order of a relation's rows.
 */
package io.shardview.circuit.data;
