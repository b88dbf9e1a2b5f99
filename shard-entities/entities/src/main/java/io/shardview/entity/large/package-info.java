/**
 * Messages larger than a remoting frame: sent in parts ({@link io.shardview.entity.large.LargeMessages}) and put
 * together again by the receiving entity or reply ({@link io.shardview.entity.large.Assembly}).
 */
package io.shardview.entity.large;
