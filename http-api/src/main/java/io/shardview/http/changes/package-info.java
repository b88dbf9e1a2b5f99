/**
 * A view's change stream over HTTP: Server-Sent Events or NDJSON ({@link io.shardview.http.changes.ChangeStreamRoute}),
 * resumed from a version ({@code Last-Event-ID}, {@code ?from=}) without gaps: the entity's retained changes first,
 * then the live ones from the view's topic.
 */
package io.shardview.http.changes;
