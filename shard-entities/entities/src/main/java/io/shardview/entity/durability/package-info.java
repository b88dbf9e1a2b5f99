/** Events a journal acknowledges once written, and how their entity learns when they are durable. */
package io.shardview.entity.durability;
