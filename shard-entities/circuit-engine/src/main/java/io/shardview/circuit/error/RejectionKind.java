package io.shardview.circuit.error;

/** Why a request was refused; the HTTP layer maps each kind to one status. */
public enum RejectionKind {
    /** A key conflict with the current state (HTTP 409), also DROP TABLE with dependent views. */
    CONFLICT,
    /** Malformed input: unknown table or column, wrong type, NULL in NOT NULL, bad DDL (HTTP 400). */
    INVALID,
    /** Well-formed SQL the engine does not support, or that does not validate (HTTP 422). */
    UNSUPPORTED,
    /** The named table or view does not exist (HTTP 404 on reads). */
    NOT_FOUND,
    /**
     * Evaluating a view or query on the data raised an SQL runtime error where PostgreSQL fails the
     * statement: division by zero, a value out of range, an invalid cast (HTTP 422).
     */
    EVALUATION_ERROR,
    /** SQL that does not parse; details give the line and column in the request's text (HTTP 400). */
    SYNTAX,
    /** A configured limit would be passed (SQL nesting, columns, planning time); details name it (HTTP 422). */
    LIMIT_EXCEEDED,
    /**
     * Never from the engine: the entity could not run the request now and applied nothing (its deadline passed
     * before it ran, or the planner is busy); a retry may succeed (HTTP 503).
     */
    UNAVAILABLE,
    /** Never from the engine: a bug failed the request; nothing of it applied, the details carry the incident id (HTTP 500). */
    INTERNAL,
    /**
     * Never from the engine: a tenant in sync replication cannot have the write confirmed by as many other regions as
     * it asks (too few reachable and keeping up); nothing of it applied; a retry may succeed (HTTP 503).
     */
    INSUFFICIENT_REGIONS,
    /**
     * Never from the engine: the write was applied at the tenant's home but too few other regions confirmed it within
     * the confirm timeout; it may still be confirmed; resending it with its batch id applies it at most once (HTTP 504).
     */
    UNCONFIRMED,
    /**
     * Never from the engine: the tenant's recovery failed at one event as often as the node allows; nothing of the
     * request applied, and nothing will until an operator mends the journal and restarts the node (HTTP 503).
     */
    ENTITY_FAILED,
    /**
     * Never from the engine: a read of the past reaches back further than what the tenant keeps (a view's retained
     * changes, the clock's ticks) (HTTP 410).
     */
    GONE;

    /** Whether a retry of the same request may succeed later (the answer carries Retry-After). */
    public boolean retryLater() {
        return this == UNAVAILABLE || this == INSUFFICIENT_REGIONS || this == UNCONFIRMED;
    }
}
