/**
 * The stored rows of the base tables: keyed tables packed in an open-addressing hash table, keyless ones as a
 * multiset, and their snapshot images.
 */
package io.shardview.circuit.table;
