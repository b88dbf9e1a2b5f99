/**
 * The node's configuration: its layers (command line flags, SHARDVIEW_* environment variables, the user's file, the
 * profile shipped in config/, Pekko's reference.conf) resolved into one {@code Config}, and the {@code --profile} and
 * {@code --config} options every command that reads it shares. Used by the node and by the journal tools alike;
 * depends on nothing else of ours.
 */
package io.shardview.node.config;
