/**
 * What tests of every module share: the PostgreSQL they run against ({@link io.shardview.testsupport.TestPostgres}:
 * the machine's when it answers, else an embedded one).
 */
package io.shardview.testsupport;
