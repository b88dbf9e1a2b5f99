/**
 * Why the engine refuses: rejection kinds (each mapped to one HTTP status at the edge), SQL runtime errors raised
 * while evaluating, and SQL the engine does not support. Depends on nothing.
 */
package io.shardview.circuit.error;
