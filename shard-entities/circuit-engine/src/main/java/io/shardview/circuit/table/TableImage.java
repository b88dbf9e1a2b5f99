package io.shardview.circuit.table;

import io.shardview.circuit.catalog.TableSchema;
import io.shardview.circuit.data.ZSetImage;

/** A table's schema and rows as a snapshot writes them: packed rows (with a primary key) or the multiset's entries. */
public record TableImage(TableSchema schema, PackedRows packedRows, int packedCount, ZSetImage multiset) {}
