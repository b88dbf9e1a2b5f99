/**
 * Columns, table schemas and the DDL a SQL request carries (CREATE TABLE parsed here; the rest dispatched), and
 * the catalog description the API shows.
 */
package io.shardview.circuit.catalog;
