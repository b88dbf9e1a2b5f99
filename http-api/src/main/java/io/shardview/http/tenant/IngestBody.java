package io.shardview.http.tenant;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.entity.tenant.TenantCircuit.IngestOp;
import io.shardview.http.ApiError;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The body of {@code POST /v1/tenants/{t}/ingest}, checked for shape at the edge: JSON
 * {@code {"ops": [...], "batch_id": "..."}} or NDJSON with one op per line. Numbers keep their
 * exact value (integers as Long, others as BigDecimal); the entity checks them against the schema.
 */
record IngestBody(List<IngestOp> ops, String batchId) {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A body that is not a batch of ops: the API error to answer. */
  static final class Invalid extends Exception {
    final ApiError error;

    Invalid(ApiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  static IngestBody fromJson(String body, int maxOps) throws Invalid {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw invalid("malformed JSON: " + firstLine(e.getMessage()), Map.of());
    }
    if (root == null || !root.isObject()) throw invalid("the body must be a JSON object with \"ops\"", Map.of());
    JsonNode ops = root.get("ops");
    if (ops == null || !ops.isArray()) throw invalid("\"ops\" must be an array of operations", Map.of());
    JsonNode batchId = root.get("batch_id");
    if (batchId != null && !batchId.isNull() && !batchId.isTextual()) throw invalid("\"batch_id\" must be a string", Map.of());
    checkSize(ops.size(), maxOps);
    List<IngestOp> parsed = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) parsed.add(op(ops.get(i), i));
    return new IngestBody(parsed, batchId == null || batchId.isNull() ? null : batchId.asText());
  }

  static IngestBody fromNdjson(String body, String idempotencyKey, int maxOps) throws Invalid {
    List<IngestOp> parsed = new ArrayList<>();
    String[] lines = body.split("\n", -1);
    for (int line = 0; line < lines.length; line++) {
      String text = lines[line].trim();
      if (text.isEmpty()) continue;
      checkSize(parsed.size() + 1, maxOps);
      JsonNode node;
      try {
        node = MAPPER.readTree(text);
      } catch (IOException e) {
        throw invalid("line " + (line + 1) + ": malformed JSON: " + firstLine(e.getMessage()),
            Map.of("index", parsed.size(), "line", line + 1));
      }
      parsed.add(op(node, parsed.size()));
    }
    String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.trim();
    return new IngestBody(parsed, key);
  }

  private static void checkSize(int ops, int maxOps) throws Invalid {
    if (ops > maxOps) {
      throw new Invalid(new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "too_many_ops",
          "a batch may hold at most " + maxOps + " ops", Map.of("limit", "batch-max-ops", "max", maxOps)));
    }
  }

  private static IngestOp op(JsonNode node, int index) throws Invalid {
    if (node == null || !node.isObject()) throw invalid("op " + index + " must be a JSON object", Map.of("index", index));
    String op = text(node, "op", index);
    String table = text(node, "table", index);
    if (!List.of("insert", "update", "upsert", "delete").contains(op)) {
      throw invalid("op " + index + ": unknown op '" + op + "' (insert, update, upsert, delete)", Map.of("index", index));
    }
    Map<String, Object> row = values(node.get("row"), "row", index);
    Map<String, Object> key = values(node.get("key"), "key", index);
    if (!op.equals("delete") && row == null) throw invalid("op " + index + ": " + op + " needs a \"row\"", Map.of("index", index));
    if (op.equals("delete") && row == null && key == null) {
      throw invalid("op " + index + ": delete needs a \"key\" (or a whole \"row\" for a table without primary key)", Map.of("index", index));
    }
    return new IngestOp(op, table, row, key);
  }

  private static String text(JsonNode node, String field, int index) throws Invalid {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw invalid("op " + index + ": \"" + field + "\" must be a string", Map.of("index", index));
    }
    return value.asText();
  }

  private static Map<String, Object> values(JsonNode node, String field, int index) throws Invalid {
    if (node == null || node.isNull()) return null;
    if (!node.isObject()) throw invalid("op " + index + ": \"" + field + "\" must be an object", Map.of("index", index));
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> column = it.next();
      values.put(column.getKey(), value(column.getValue(), column.getKey(), index));
    }
    return values;
  }

  private static Object value(JsonNode node, String column, int index) throws Invalid {
    if (node.isNull()) return null;
    if (node.isBoolean()) return node.booleanValue();
    if (node.isTextual()) return node.textValue();
    if (node.isIntegralNumber()) return node.canConvertToLong() ? (Object) node.longValue() : new BigDecimal(node.bigIntegerValue());
    if (node.isNumber()) return node.decimalValue();
    throw invalid("op " + index + ": column " + column + " has a nested value; values are scalars",
        Map.of("index", index, "column", column));
  }

  private static Invalid invalid(String message, Map<String, Object> details) {
    return new Invalid(new ApiError(StatusCodes.BAD_REQUEST, "invalid_batch", message, details));
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
