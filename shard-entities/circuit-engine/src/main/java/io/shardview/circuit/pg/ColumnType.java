package io.shardview.circuit.pg;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The SQL column types of a tenant table, with the Java value each holds (integers are all Long). */
public enum ColumnType {
    BOOLEAN("boolean"),
    SMALLINT("smallint"),
    INT("integer"),
    BIGINT("bigint"),
    DOUBLE("double precision"),
    DECIMAL("numeric"),
    VARCHAR("varchar"),
    DATE("date"),
    TIMESTAMP("timestamp"),
    /** CHAR(n): the length is the column's ({@link io.shardview.circuit.catalog.Column#length}), values are {@link FixedChar}s. */
    CHAR("character"),
    /**
     * Like VARCHAR, except compared with CHAR(n): PostgreSQL compares bpchar with varchar as bpchar and
     * with text as text (see plan.StringTyping). Declared as TEXT, and a view's column computed as text.
     */
    TEXT("text"),
    /** float4: values are {@link Float}s, about 6 significant digits (appended last: snapshots store the ordinal). */
    REAL("real"),
    /** Intervals: values are {@link PgInterval}s, written in JSON as PostgreSQL's interval input ({@code "1 day"}). */
    INTERVAL("interval");

    private final String sqlName;

    ColumnType(String sqlName) {
        this.sqlName = sqlName;
    }

    /** PostgreSQL's name of the type, as reported in catalog descriptions. */
    public String sqlName() {
        return sqlName;
    }

    public boolean isInteger() {
        return this == SMALLINT || this == INT || this == BIGINT;
    }

    /** Maps a type spelling (without its length/precision) to a type, or null when unknown. */
    public static ColumnType fromSpelling(String spelling) {
        switch (spelling.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "boolean":
            case "bool":
                return BOOLEAN;
            case "smallint":
            case "int2":
                return SMALLINT;
            case "int":
            case "integer":
            case "int4":
                return INT;
            case "bigint":
            case "int8":
                return BIGINT;
            case "double":
            case "double precision":
            case "float8":
            case "float":
                return DOUBLE;
            case "real":
            case "float4":
                return REAL;
            case "decimal":
            case "numeric":
                return DECIMAL;
            case "varchar":
            case "character varying":
            case "string":
                return VARCHAR;
            case "text":
                return TEXT;
            case "char":
            case "character":
            case "bpchar":
                return CHAR;
            case "date":
                return DATE;
            case "timestamp":
            case "timestamp without time zone":
                return TIMESTAMP;
            case "interval":
                return INTERVAL;
            default:
                return null;
        }
    }

    /**
     * Converts a JSON-ish value (Long/Integer/Double/BigDecimal/String/Boolean) to this type's Java value.
     * Returns null for null; throws IllegalArgumentException naming the problem for a wrong type.
     */
    public Object coerce(Object v) {
        if (v == null) {
            return null;
        }
        switch (this) {
            case BOOLEAN:
                if (v instanceof Boolean) return v;
                break;
            case SMALLINT:
            case INT:
            case BIGINT:
                return coerceInteger(v);
            case DOUBLE:
                if (v instanceof Number) return ((Number) v).doubleValue();
                break;
            case REAL:
                if (v instanceof Number n) return toReal(n);
                break;
            case DECIMAL:
                return coerceDecimal(v);
            case VARCHAR:
            case TEXT:
                if (v instanceof String) return v;
                break;
            case CHAR: // only Column.coerce, which knows n, turns a string into a CHAR(n) value
                break;
            case DATE:
                if (v instanceof LocalDate) return v;
                if (v instanceof String) return parse(() -> LocalDate.parse((String) v));
                break;
            case TIMESTAMP:
                if (v instanceof LocalDateTime t) return toMicros(t);
                if (v instanceof String)
                    return parse(() -> toMicros(LocalDateTime.parse(((String) v).replace(' ', 'T'))));
                break;
            case INTERVAL:
                if (v instanceof PgInterval) return v;
                if (v instanceof String text) {
                    try {
                        return PgInterval.parse(text);
                    } catch (io.shardview.circuit.error.UnsupportedSqlException e) {
                        throw new IllegalArgumentException(e.getMessage());
                    }
                }
                break;
            default:
                break;
        }
        throw wrongType(v);
    }

    /**
     * A number as float4, rounded once from its exact value as PostgreSQL's float4in rounds the text (a double
     * is rounded from its shortest text, which is what a JSON reader made of the written number); a value
     * beyond float4's range, or one so small it would become 0, is refused as there.
     */
    public static float toReal(Number n) {
        if (n instanceof Float x) return x;
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte)
            return (float) n.longValue();
        if (n instanceof Double d && !Double.isFinite(d)) return (float) d.doubleValue();
        BigDecimal exact = n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
        float f = exact.floatValue();
        if (Float.isInfinite(f) || (f == 0 && exact.signum() != 0)) {
            throw new IllegalArgumentException("\"" + exact + "\" is out of range for type real");
        }
        return f;
    }

    /** A timestamp rounded to the microsecond, PostgreSQL's resolution. */
    private static LocalDateTime toMicros(LocalDateTime t) {
        return t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private Object coerceInteger(Object v) {
        long value;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            value = ((Number) v).longValue();
        } else if (v instanceof BigDecimal
                && ((BigDecimal) v).stripTrailingZeros().scale() <= 0) {
            try {
                value = ((BigDecimal) v).longValueExact();
            } catch (ArithmeticException beyondLong) { // 1e30, or 11e99999999920 from an ingest body: was a 500
                throw new IllegalArgumentException("value " + v + " out of range for " + sqlName);
            }
        } else {
            throw wrongType(v);
        }
        long min = this == SMALLINT ? Short.MIN_VALUE : this == INT ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = this == SMALLINT ? Short.MAX_VALUE : this == INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
        if (value < min || value > max) {
            throw new IllegalArgumentException("value " + value + " out of range for " + sqlName);
        }
        return value;
    }

    private Object coerceDecimal(Object v) {
        if (v instanceof BigDecimal d) return withoutNegativeScale(d);
        if (v instanceof Long || v instanceof Integer) return BigDecimal.valueOf(((Number) v).longValue());
        if (v instanceof Double) return withoutNegativeScale(BigDecimal.valueOf((Double) v));
        if (v instanceof String) return parse(() -> withoutNegativeScale(new BigDecimal((String) v)));
        throw wrongType(v);
    }

    /**
     * 1E+2 as 100: a NUMERIC's scale is part of the value as stored and shown (2.0 is not 2.00), and
     * PostgreSQL's is never negative ('1e2'::numeric is 100, scale 0). More than PostgreSQL's 131072 digits
     * before the point are refused as there, before they are written out (1e1000000000 is a short input).
     */
    private static BigDecimal withoutNegativeScale(BigDecimal d) {
        if ((long) d.precision() - d.scale() > 131072)
            throw new IllegalArgumentException("value overflows numeric format");
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    private Object parse(java.util.function.Supplier<Object> parser) {
        try {
            return parser.get();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("not a valid " + sqlName + ": " + e.getMessage());
        }
    }

    private IllegalArgumentException wrongType(Object v) {
        return new IllegalArgumentException(
                "wrong type: " + v.getClass().getSimpleName() + " value '" + v + "' for a " + sqlName + " column");
    }
}
