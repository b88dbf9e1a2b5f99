package io.shardview.http.ingest;

import java.util.Map;

/**
 * A request body that cannot be ingested: nothing of it is applied. {@code details} locate the
 * fault ({@code line} for text formats, first line is 1; {@code timeseries} for remote_write).
 */
public final class IngestException extends RuntimeException {
  private final Map<String, Object> details;

  public IngestException(String message, Map<String, Object> details) {
    super(message, null, false, false);
    this.details = Map.copyOf(details);
  }

  /** A fault on line {@code line} (1-based) of a text body. */
  public static IngestException atLine(int line, String message) {
    return new IngestException("line " + line + ": " + message, Map.of("line", line));
  }

  /** Where the fault is, for the error's {@code details}. */
  public Map<String, Object> details() {
    return details;
  }
}
